using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Diagnostics;
using AkkaMedia.Remote;
using System.ComponentModel;

namespace AkkaMedia.Protocol;

/// <summary>
/// Asks an executor to run node type <paramref name="NodeType"/> with HOCON <paramref name="Settings"/>
/// for one remote stage, and answer <see cref="SessionOpened"/> or <see cref="SessionRefused"/> to
/// <paramref name="Client"/>, which it also watches: when the client is gone, the session stops.
/// <paramref name="Transport"/> names how the elements travel: over StreamRefs the executor subscribes to
/// <paramref name="Input"/>; over the media link <paramref name="Input"/> is null and the client opens a channel.
/// </summary>
/// <param name="SessionId">Identifies the session in replies, logs and admin commands; unique across clients.</param>
/// <param name="NodeType">A node type of the executor's registry.</param>
/// <param name="Settings">The node's settings as HOCON; empty for none.</param>
/// <param name="Transport">How the session's elements travel; an executor that does not offer it refuses with <see cref="RefusalReason.TransportUnavailable"/>.</param>
/// <param name="Input">The client's elements with <see cref="RemoteTransport.StreamRefs"/>; null with <see cref="RemoteTransport.MediaLink"/>.</param>
/// <param name="Client">Receives the answer; the session stops when it terminates.</param>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> of the client's span that opens the session (docs/telemetry.md), or null when the client
/// is not in a trace: the executor's span for the session becomes its child.
/// </param>
/// <param name="TraceState">The W3C <c>tracestate</c> that goes with <paramref name="TraceParent"/>; null when none.</param>
/// <exception cref="ArgumentException"><paramref name="Input"/> does not match <paramref name="Transport"/>.</exception>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record OpenSession(string SessionId, string NodeType, string Settings, RemoteTransport Transport, ISourceRef<object>? Input, IActorRef Client, string? TraceParent = null, string? TraceState = null)
{
    /// <summary>The client's elements, checked against <see cref="Transport"/>.</summary>
    public ISourceRef<object>? Input { get; init; } = TransportInput.Check(Transport, Input);

    /// <summary>The trace context as one value.</summary>
    public TraceContext Trace => new(TraceParent, TraceState);

    /// <summary>
    /// Null for a session without failover. Otherwise the node is checkpointed as the policy says: the session sends
    /// <see cref="StageCheckpoint"/> elements to the client among its outputs, and takes one as its first input to
    /// resume from (only node types built from one node can; flows are refused with <see cref="RefusalReason.BadSettings"/>).
    /// </summary>
    public CheckpointPolicy? Checkpoints { get; init; }
}

/// <summary>
/// The executor runs the session. With a StreamRef transport the results stream from
/// <paramref name="Output"/>; with the media link, the client connects to <paramref name="LinkEndpoint"/>
/// (<c>host:port</c>) and opens a channel for <paramref name="SessionId"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SessionOpened(string SessionId, ISourceRef<object>? Output, IActorRef Session, string? LinkEndpoint = null);

/// <summary>Why an executor refused a session.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
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

    /// <summary>
    /// The client opened sessions faster than the executor allows one client node
    /// (<c>akka-media.executor.max-session-opens-per-second</c>); refused before any session work. Like
    /// <see cref="AtCapacity"/>, another executor may accept; the message names the key and the limit.
    /// </summary>
    RateLimited = 7,
}

/// <summary>The executor did not open the session; <paramref name="Message"/> says what to fix.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SessionRefused(string SessionId, RefusalReason Reason, string Message);


/// <summary>
/// Asks an executor to open several sessions in one message: the <see cref="OpenSession"/> requests a client sent to the
/// same executor at about the same moment. Each member is admitted, refused or opened exactly as if it had come alone
/// (its own capacity check, settings, transport and session actor, which watches the member's own
/// <see cref="OpenSession.Client"/>): a member that fails fails only itself. Every member's answer, a
/// <see cref="SessionOpened"/> or <see cref="SessionRefused"/>, reaches <paramref name="ReplyTo"/> in a
/// <see cref="SessionsAnswered"/>; answers that are ready together travel together, so the batch may be answered in
/// several messages. A member whose session stops before it is open is not answered (its client times out, as for a
/// lone request); a member that repeats a running session is ignored.
/// </summary>
/// <param name="Sessions">The requests, at least one; each answered under its own session id.</param>
/// <param name="ReplyTo">Receives the <see cref="SessionsAnswered"/> messages (the client's batcher, which hands each answer to its member's client).</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record OpenSessions(IReadOnlyList<OpenSession> Sessions, IActorRef ReplyTo)
{
    /// <summary>The requests, checked: at least one.</summary>
    public IReadOnlyList<OpenSession> Sessions { get; init; } = Sessions is { Count: > 0 }
        ? Sessions
        : throw new ArgumentException("A batch of session requests needs at least one request.", nameof(Sessions));
}

/// <summary>
/// Answers to members of an <see cref="OpenSessions"/> batch, each under its member's session id: the sessions that
/// opened and those the executor refused (with the reason and message a lone request would have got).
/// </summary>
/// <param name="Opened">The members that opened.</param>
/// <param name="Refused">The members that were refused.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SessionsAnswered(IReadOnlyList<SessionOpened> Opened, IReadOnlyList<SessionRefused> Refused)
{
    /// <summary>How many answers this message carries.</summary>
    public int Count => Opened.Count + Refused.Count;
}

/// <summary>Asks an executor for its <see cref="ExecutorStatus"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GetExecutorStatus
{
    /// <summary>The single instance.</summary>
    public static readonly GetExecutorStatus Instance = new();

    private GetExecutorStatus()
    {
    }
}

/// <summary>An executor's load: how many sessions run and how many it accepts.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ExecutorStatus(string Address, int ActiveSessions, int MaxSessions, bool Accepting);
