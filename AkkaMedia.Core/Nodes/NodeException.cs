namespace AkkaMedia.Nodes;

/// <summary>A node threw while a stream ran it; the stream fails with this exception.</summary>
public sealed class NodeException : Exception
{
    /// <summary>Creates the exception for node <paramref name="nodeName"/> failing in <paramref name="phase"/>.</summary>
    public NodeException(string nodeName, string phase, Exception inner)
        : base(inner is FrameFormatException ? inner.Message : $"Node '{nodeName}' failed in {phase}: {inner.Message}", inner)
    {
        NodeName = nodeName;
        Phase = phase;
    }

    /// <summary>Creates an exception with a message of the caller's choosing.</summary>
    public NodeException(string nodeName, string message)
        : base(message)
    {
        NodeName = nodeName;
        Phase = "process";
    }

    /// <summary>Name of the node that failed.</summary>
    public string NodeName { get; }

    /// <summary>Which part of the node's lifecycle failed: initialize, process, complete or cleanup.</summary>
    public string Phase { get; }
}
