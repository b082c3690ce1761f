using System.Diagnostics.CodeAnalysis;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// What a <see cref="LinkReader"/> reports to: the <see cref="MediaLink"/> that owns it, or a test's stand-in that
/// records what the bytes of a peer made the reader do. Called on the reader's thread only.
/// </summary>
internal interface ILinkReceiver
{
    /// <summary>Who is at the other end, for messages.</summary>
    string Peer { get; }

    /// <summary>True once <see cref="Close"/> ran; the reader then stops.</summary>
    bool IsClosed { get; }

    /// <summary>Closes the link with <paramref name="cause"/>: <paramref name="peerGone"/> when the peer ended it, otherwise the reader could not read what it sent.</summary>
    void Close(Exception cause, bool peerGone = false);

    /// <summary>The peer probed with <paramref name="stamp"/>, to be sent back unchanged.</summary>
    void AnswerProbe(ReadOnlySpan<byte> stamp);

    /// <summary>The peer answered a probe with <paramref name="stamp"/>.</summary>
    void ProbeAnswered(ReadOnlySpan<byte> stamp);

    /// <summary>The peer opened <paramref name="channel"/> for session <paramref name="sessionId"/>.</summary>
    void Opened(int channel, string sessionId);

    /// <summary>The handler of <paramref name="channel"/>; false for a channel not (or no longer) registered.</summary>
    bool TryGetChannel(int channel, [MaybeNullWhen(false)] out ILinkChannel handler);
}
