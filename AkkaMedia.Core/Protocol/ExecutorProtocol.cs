using Akka.Actor;
using Akka.Streams;

namespace AkkaMedia.Protocol;

/// <summary>
/// Asks an executor to run node type <paramref name="NodeType"/> with HOCON <paramref name="Settings"/>
/// for one remote stage, and answer <see cref="SessionOpened"/> or <see cref="SessionRefused"/> to
/// <paramref name="Client"/>, which it also watches: when the client is gone, the session stops.
/// With a StreamRef transport the executor subscribes to <paramref name="Input"/>; when
/// <paramref name="Input"/> is null the elements travel over the executor's media link instead.
/// </summary>
public sealed record OpenSession(string SessionId, string NodeType, string Settings, ISourceRef<object>? Input, IActorRef Client);

/// <summary>
/// The executor runs the session. With a StreamRef transport the results stream from
/// <paramref name="Output"/>; with the media link, the client connects to <paramref name="LinkEndpoint"/>
/// (<c>host:port</c>) and opens a channel for <paramref name="SessionId"/>.
/// </summary>
public sealed record SessionOpened(string SessionId, ISourceRef<object>? Output, IActorRef Session, string? LinkEndpoint = null);

/// <summary>Why an executor refused a session.</summary>
public enum RefusalReason
{
    /// <summary>The executor runs its maximum number of sessions; another executor may accept.</summary>
    AtCapacity = 1,

    /// <summary>The node type is not registered on the executor.</summary>
    UnknownNodeType = 2,

    /// <summary>A setting is unknown, missing or out of range.</summary>
    BadSettings = 3,

    /// <summary>The executor is leaving the cluster.</summary>
    ShuttingDown = 4,

    /// <summary>The client asked for a transport the executor does not offer (its media link is off).</summary>
    TransportUnavailable = 5,

    /// <summary>
    /// Shipped code cannot run: the sandbox policy forbids an API it uses, a package entry is missing, or
    /// the object or node failed to load or deserialize (the message names the cause).
    /// </summary>
    CodeRejected = 6,
}

/// <summary>The executor did not open the session; <paramref name="Message"/> says what to fix.</summary>
public sealed record SessionRefused(string SessionId, RefusalReason Reason, string Message);

/// <summary>The client is done with a session: the executor stops it and releases its resources.</summary>
public sealed record CloseSession(string SessionId);

/// <summary>Asks an executor for its <see cref="ExecutorStatus"/>.</summary>
public sealed class GetExecutorStatus
{
    /// <summary>The single instance.</summary>
    public static readonly GetExecutorStatus Instance = new();

    private GetExecutorStatus()
    {
    }
}

/// <summary>An executor's load: how many sessions run and how many it accepts.</summary>
public sealed record ExecutorStatus(string Address, int ActiveSessions, int MaxSessions, bool Accepting);

/// <summary>
/// An element both ends inject into a remote stage's streams when they have nothing else to send,
/// so that silence on a link means the other end is gone. Never reaches user code.
/// </summary>
public sealed class StreamHeartbeat
{
    /// <summary>The single instance.</summary>
    public static readonly StreamHeartbeat Instance = new();

    private StreamHeartbeat()
    {
    }
}
