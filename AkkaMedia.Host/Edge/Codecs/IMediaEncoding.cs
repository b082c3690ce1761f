namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// How the binary messages of a <c>/media</c> session carry audio (the <c>encoding</c> of its <c>start</c>), one instance
/// per session and direction pair: codecs with state (Opus) keep it here. Used by one thread at a time.
/// </summary>
internal interface IMediaEncoding : IDisposable
{
    /// <summary>The name a client gives in <c>start</c>.</summary>
    string Name { get; }

    /// <summary>Decodes one message from the client into new interleaved float samples (the caller owns the array).</summary>
    /// <exception cref="EdgeProtocolException">The message is not valid in this encoding; the message says what to fix.</exception>
    float[] Decode(ReadOnlySpan<byte> message);

    /// <summary>The most bytes <see cref="Encode"/> writes for <paramref name="samples"/> interleaved samples.</summary>
    int MaxEncodedBytes(int samples);

    /// <summary>Encodes one outgoing packet into <paramref name="destination"/>; returns the bytes written.</summary>
    int Encode(ReadOnlySpan<float> samples, Span<byte> destination);
}
