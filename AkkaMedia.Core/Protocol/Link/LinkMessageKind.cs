using System.ComponentModel;

namespace AkkaMedia.Protocol.Link;

/// <summary>What one message on a media link carries. Every message is <c>[int32 length][byte kind][int32 channel][payload]</c>, little-endian.</summary>
/// <remarks>
/// A kind this end does not know is a protocol error (the link closes) when it names a registered channel, and is
/// dropped otherwise. Value 7 is retired: it named a keep-alive that no version sends (<see cref="Probe"/> keeps links
/// alive); it must not be given a new meaning, so that no peer ever reads it as something else.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum LinkMessageKind : byte
{
    /// <summary>
    /// Client → executor: bind <c>channel</c> to the session whose id is the UTF-8 payload. The executor answers with
    /// <see cref="Demand"/> once bound, or with <see cref="Failure"/> when it has no such session or the session ended
    /// before the Open arrived (the text then says why it ended); an Open is never left unanswered.
    /// </summary>
    Open = 1,

    /// <summary>One element: <c>[int32 serializer id][byte manifest length][manifest][bytes]</c>.</summary>
    Data = 2,

    /// <summary>The receiver grants <c>int32</c> more elements of credit.</summary>
    Demand = 3,

    /// <summary>The sender of this channel finished normally.</summary>
    Complete = 4,

    /// <summary>The sender of this channel failed; the payload is the UTF-8 error text.</summary>
    Failure = 5,

    /// <summary>The receiver wants no more elements on this channel.</summary>
    Cancel = 6,

    /// <summary>
    /// The sender closes the whole link (idle peer, unreadable message, node stopping); the payload is the
    /// UTF-8 reason. Channel is 0 and nothing follows: the receiver closes the link with that reason.
    /// </summary>
    Close = 8,

    /// <summary>
    /// Sent by each end every heartbeat interval, busy or not: the payload is the sender's 8-byte
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp, which the receiver sends back unchanged in a
    /// <see cref="ProbeReply"/>. Keeps the link alive and measures its round trip. Channel is 0.
    /// </summary>
    Probe = 9,

    /// <summary>The answer to a <see cref="Probe"/>, carrying its payload back. Channel is 0.</summary>
    ProbeReply = 10,

    /// <summary>
    /// Client → executor, on a channel opened for a remote object's session: one call, encoded by
    /// <see cref="Codecs.ObjectCallCodec"/>. Not credit-based: the object runs calls one at a time and the client keeps
    /// every call it made until its <see cref="Reply"/> arrives.
    /// </summary>
    Call = 11,

    /// <summary>Executor → client: the outcome of one <see cref="Call"/>, encoded by <see cref="Codecs.ObjectCallCodec"/>.</summary>
    Reply = 12,
}
