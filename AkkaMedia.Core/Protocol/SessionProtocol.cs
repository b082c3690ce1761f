using System.ComponentModel;

namespace AkkaMedia.Protocol;

// The messages of a session's actor on the executor (SessionActor and the shipped-code sessions), and the element both
// ends of a StreamRefs session send when they have nothing else to send.

/// <summary>The client is done with a session: the executor stops it and releases its resources.</summary>
/// <param name="SessionId">The session to close.</param>
/// <param name="StreamFailed">
/// True when the client's side of the session's stream failed (its source, its consumer or its stage): the executor then
/// counts the session as lost (<c>session_lost</c>) unless its node had already failed; false for a release. Either way
/// the client's actor may end right after sending this, and that end is not counted again.
/// </param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CloseSession(string SessionId, bool StreamFailed = false);

/// <summary>
/// An element both ends inject into a remote stage's streams when they have nothing else to send,
/// so that silence on a link means the other end is gone. Never reaches user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamHeartbeat
{
    /// <summary>The single instance.</summary>
    public static readonly StreamHeartbeat Instance = new();

    private StreamHeartbeat()
    {
    }
}
