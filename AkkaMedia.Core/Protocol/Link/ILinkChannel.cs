namespace AkkaMedia.Protocol.Link;

/// <summary>
/// Receives the events of one channel of a <see cref="MediaLink"/>. Called from the link's receive loop,
/// one call at a time per link, in the order the peer sent them; implementations hand them to their
/// stage through async callbacks and return quickly.
/// </summary>
internal interface ILinkChannel
{
    void OnData(List<object> elements);

    void OnDemand(int count);

    void OnComplete();

    void OnFailure(string message);

    void OnCancel();

    void OnLinkLost(Exception cause);

    /// <summary>A <see cref="LinkMessageKind.Call"/>; <paramref name="payload"/> is valid during the call only. Only a remote object's channel takes calls.</summary>
    /// <exception cref="InvalidDataException">This channel takes no calls (the link closes as for any protocol error).</exception>
    void OnCall(ReadOnlySpan<byte> payload) => throw new InvalidDataException("A call arrived on a channel of a stream session.");

    /// <summary>A <see cref="LinkMessageKind.Reply"/>; <paramref name="payload"/> is valid during the call only. Only a remote object's channel takes replies.</summary>
    /// <exception cref="InvalidDataException">This channel takes no replies (the link closes as for any protocol error).</exception>
    void OnReply(ReadOnlySpan<byte> payload) => throw new InvalidDataException("A call's reply arrived on a channel of a stream session.");
}
