namespace AkkaMedia.Nodes;

/// <summary>A node received a frame in a format it was not set up for (channel count, sample rate, pixel format).</summary>
public sealed class FrameFormatException : Exception
{
    /// <summary>Creates the exception; the message names the node and both formats.</summary>
    public FrameFormatException(string nodeName, string expected, string actual)
        : base($"Node '{nodeName}' expects {expected} but received {actual}.")
    {
        NodeName = nodeName;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Name of the node that refused the frame.</summary>
    public string NodeName { get; }

    /// <summary>The format the node accepts.</summary>
    public string Expected { get; }

    /// <summary>The format it received.</summary>
    public string Actual { get; }
}
