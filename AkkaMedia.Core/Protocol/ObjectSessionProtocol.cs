using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Diagnostics;

using AkkaMedia.Remote;
using AkkaMedia.Deployment;
using AkkaMedia.Protocol.Codecs;
using System.ComponentModel;

namespace AkkaMedia.Protocol;

/// <summary>
/// Messages of object sessions (a user object deployed on an executor, called through a proxy) and of
/// shipped node sessions (a user node object streamed through a remote stage). All are written by
/// <see cref="Serialization.ObjectSessionSerializer"/>; user data inside them (the object, arguments,
/// results) are opaque bytes made by the session's own Hyperion serializer.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IObjectSessionMessage
{
}

/// <summary>How a failed call failed.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum CallFailure
{
    /// <summary>User code threw; the session lives on.</summary>
    UserException = 1,

    /// <summary>The call exceeded the session's call timeout; the session was stopped.</summary>
    Timeout = 2,

    /// <summary>The call could not be made (unknown method, arguments or result that do not serialize, session ending); the session lives on unless it was ending.</summary>
    Rejected = 3,
}

/// <summary>
/// Asks an executor to load <paramref name="Entries"/> (already uploaded to its package store) into a
/// new load context, deserialize <paramref name="Object"/> there and serve calls on it. Answered to
/// <paramref name="Client"/> with <see cref="ObjectSessionOpened"/> or <see cref="Protocol.SessionRefused"/>;
/// the session watches <paramref name="Client"/> and stops when it is gone.
/// </summary>
/// The call timeout is the longest a call may run; <see cref="TimeSpan.Zero"/> asks for the executor's default.
/// <paramref name="Trace"/> is the client's deploy span, parent of the executor's spans for the session.
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record OpenObjectSession(
    string SessionId, string EntryAssembly, IReadOnlyList<PackageEntry> Entries, byte[] Object, TimeSpan CallTimeout, IActorRef Client, TraceContext Trace = default) : IObjectSessionMessage
{
    /// <summary>
    /// The client's signature over the manifest (<see cref="EntryAssembly"/> and <see cref="Entries"/>); null when it
    /// signs nothing. An executor that requires signatures checks it here too, whatever its store already holds.
    /// </summary>
    public PackageSignature? Signature { get; init; }
}

/// <summary>
/// The object is live in <paramref name="Session"/>; calls go there, or over the executor's media link at
/// <paramref name="LinkEndpoint"/> (<c>host:port</c>; null when the executor's link is off) on a channel opened for the
/// session, and time out after <paramref name="CallTimeout"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ObjectSessionOpened(string SessionId, IActorRef Session, TimeSpan CallTimeout, string? LinkEndpoint = null) : IObjectSessionMessage;

/// <summary>
/// Asks an executor to run a shipped node object as one remote stage: like <see cref="Protocol.OpenSession"/>
/// (answered with <see cref="Protocol.SessionOpened"/> or <see cref="Protocol.SessionRefused"/>), but the node
/// comes from <paramref name="Node"/>, deserialized in the session's own load context. <paramref name="Trace"/> is the
/// client's span that opens the stage, parent of the executor's spans for the session.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record OpenNodeSession(
    string SessionId, string EntryAssembly, IReadOnlyList<PackageEntry> Entries, byte[] Node, RemoteTransport Transport, ISourceRef<object>? Input, IActorRef Client, TraceContext Trace = default) : IObjectSessionMessage
{
    /// <summary>The client's elements, checked against <see cref="Transport"/> as in <see cref="Protocol.OpenSession"/>.</summary>
    public ISourceRef<object>? Input { get; init; } = Protocol.TransportInput.Check(Transport, Input);

    /// <summary>
    /// For a stage with failover: how often the executor checkpoints the node, as in <see cref="Protocol.OpenSession.Checkpoints"/>
    /// (the node's state comes from <see cref="Nodes.IStatefulNode"/> when it implements it); null without failover.
    /// </summary>
    public CheckpointPolicy? Checkpoints { get; init; }

    /// <summary>As <see cref="OpenObjectSession.Signature"/>: the client's signature over the manifest, or null.</summary>
    public PackageSignature? Signature { get; init; }
}

/// <summary>Calls the interface method named <paramref name="Method"/> (see <see cref="MethodKey"/>) with serialized <paramref name="Arguments"/> (an <c>object?[]</c>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record InvokeObject(long CallId, string Method, byte[] Arguments) : IObjectSessionMessage;

/// <summary>Asks for a serialized copy of the object as it is now, after every earlier call.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record GetObjectState(long CallId) : IObjectSessionMessage;

/// <summary>Call <paramref name="CallId"/> returned; <paramref name="Result"/> is the serialized value, empty for <c>void</c> and <c>Task</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CallSucceeded(long CallId, byte[] Result) : IObjectSessionMessage;

/// <summary>Call <paramref name="CallId"/> failed; the remote exception's type, message and stack trace.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CallFailed(long CallId, CallFailure Failure, string RemoteType, string RemoteMessage, string RemoteStackTrace) : IObjectSessionMessage;
