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
}
