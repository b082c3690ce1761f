using Akka.Event;

namespace AkkaMedia.Nodes;

/// <summary>What a node learns about its surroundings when it is initialized.</summary>
public sealed class NodeContext
{
    /// <summary>Creates a context; the runtime does this, tests may too.</summary>
    /// <param name="nodeName">The name the node runs under.</param>
    /// <param name="log">Logger of the stage.</param>
    /// <param name="stopping">Cancelled when the stage stops.</param>
    /// <param name="sessionStates">The store of the process the node runs on; a new store of its own (24 h, 10,000 states) when null.</param>
    public NodeContext(string nodeName, ILoggingAdapter log, CancellationToken stopping, SessionStateStore? sessionStates = null)
    {
        NodeName = nodeName;
        Log = log;
        Stopping = stopping;
        SessionStates = sessionStates ?? new SessionStateStore(TimeSpan.FromHours(24), 10_000);
    }

    /// <summary>The name the node runs under (its stage name), used in logs and errors.</summary>
    public string NodeName { get; }

    /// <summary>Logger of the stage the node runs in.</summary>
    public ILoggingAdapter Log { get; }

    /// <summary>Cancelled when the stage stops for any reason; for nodes that start background work.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>
    /// Key/value state kept per session key between streams, in the process the node runs on (an executor's for a
    /// remote stage): a node that takes a session key in its settings finds there what an earlier stream with that
    /// key left. Expires after <c>akka-media.session-state.time-to-live</c> unused (24 h).
    /// </summary>
    public SessionStateStore SessionStates { get; }

    /// <summary>A context for running a node outside a stream (tests, plain loops).</summary>
    public static NodeContext Detached(string nodeName) => new(nodeName, NoLogger.Instance, CancellationToken.None);
}
