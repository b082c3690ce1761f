namespace AkkaMedia.Host.Edge;

/// <summary>
/// What a protocol of the edge decides for its sessions before and while they run: its name in metrics and logs, how it
/// tells a client what went wrong, and which exceptions are the client's violations.
/// </summary>
internal abstract class EdgeProtocol
{
    /// <summary>The protocol's name in metrics and logs (<c>media</c>, <c>twilio</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The protocol's error message for <paramref name="message"/>, sent before a close; null where the protocol has none (the close reason says it).</summary>
    public abstract string? ErrorText(string message);

    /// <summary>Whether <paramref name="exception"/> is a client's violation of this protocol (answered with 1008).</summary>
    public virtual bool IsViolation(Exception exception) => exception is EdgeProtocolException;
}
