namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>The encodings a <c>/media</c> client may name in its <c>start</c>.</summary>
internal static class MediaEncodings
{
    /// <summary>The names, for error messages.</summary>
    public static readonly IReadOnlyList<string> Names = [Pcm16Encoding.EncodingName, "opus"];

    /// <summary>Checks the format against the encoding and creates one session's codec.</summary>
    /// <exception cref="EdgeProtocolException">Unknown encoding, or a format it cannot carry; the message says what is allowed.</exception>
    public static IMediaEncoding Create(string name, ClientAudioFormat format) => name switch
    {
        Pcm16Encoding.EncodingName => new Pcm16Encoding(format.Channels),
        "opus" => throw new EdgeProtocolException("The opus encoding is not available on this server; use pcm16."),
        _ => throw new EdgeProtocolException($"Unknown encoding '{name}': use one of {string.Join(", ", Names)}."),
    };
}
