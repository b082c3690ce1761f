using Akka.Event;

namespace AkkaMedia.Nodes;

/// <summary>What a node learns about its surroundings when it is initialized.</summary>
public sealed class NodeContext
{
    /// <summary>Creates a context; the runtime does this, tests may too.</summary>
    public NodeContext(string nodeName, ILoggingAdapter log, CancellationToken stopping)
    {
        NodeName = nodeName;
        Log = log;
        Stopping = stopping;
    }

    /// <summary>The name the node runs under (its stage name), used in logs and errors.</summary>
    public string NodeName { get; }

    /// <summary>Logger of the stage the node runs in.</summary>
    public ILoggingAdapter Log { get; }

    /// <summary>Cancelled when the stage stops for any reason; for nodes that start background work.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>A context for running a node outside a stream (tests, plain loops).</summary>
    public static NodeContext Detached(string nodeName) => new(nodeName, NoLogger.Instance, CancellationToken.None);
}
