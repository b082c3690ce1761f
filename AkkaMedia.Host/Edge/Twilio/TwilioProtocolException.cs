namespace AkkaMedia.Host.Edge.Twilio;

/// <summary>
/// A message on <c>/twilio</c> breaks the Twilio Media Streams protocol as the edge speaks it: not one JSON object, no
/// <c>event</c>, media before <c>start</c>, a payload that is not base64, an unsupported <c>mediaFormat</c>. The message
/// says what to fix, briefly: it becomes the reason of the 1008 close frame (Twilio has no error message).
/// </summary>
internal sealed class TwilioProtocolException : Exception
{
    /// <summary>Creates the exception with what to fix and, where a parser threw, its exception.</summary>
    public TwilioProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
