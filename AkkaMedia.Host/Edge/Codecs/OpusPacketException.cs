namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// A message that was to hold an Opus packet does not decode: empty, malformed (RFC 6716 §3.4), or rejected by the
/// decoder. The message says so in words a client can act on; <see cref="Exception.InnerException"/> is the decoder's
/// own exception when there was one. The edge answers it with an <c>error</c> and a 1008 close.
/// </summary>
internal sealed class OpusPacketException : Exception
{
    /// <summary>Creates the exception with its message and, where the decoder threw, that exception.</summary>
    public OpusPacketException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
