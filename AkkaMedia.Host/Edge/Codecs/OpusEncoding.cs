namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// The <c>opus</c> encoding of <c>/media</c>: every binary message is one Opus packet, both ways; the server sends 20 ms
/// packets (a shorter last packet of a stream is padded with silence to 20 ms, the shortest frame the edge codes).
/// One encoder and one decoder per session, each used from one loop.
/// </summary>
internal sealed class OpusEncoding : IMediaEncoding
{
    /// <summary>The name in <c>start</c>.</summary>
    public const string EncodingName = "opus";

    private readonly OpusPacketEncoder _encoder;
    private readonly OpusPacketDecoder _decoder;
    private readonly float[] _decoded;
    private readonly float[] _padded;

    private OpusEncoding(ClientAudioFormat format)
    {
        _encoder = new OpusPacketEncoder(format.SampleRate, format.Channels);
        _decoder = new OpusPacketDecoder(format.SampleRate, format.Channels);
        _decoded = new float[_decoder.MaxDecodedSamples];
        _padded = new float[_encoder.PacketSamples];
    }

    /// <inheritdoc />
    public string Name => EncodingName;

    /// <summary>Creates one session's codec for <paramref name="format"/>.</summary>
    /// <exception cref="EdgeProtocolException">Opus does not code that rate or channel count; the message says what it codes.</exception>
    public static OpusEncoding Create(ClientAudioFormat format)
    {
        if (!OpusFormat.IsSupportedRate(format.SampleRate))
            throw new EdgeProtocolException($"start.sampleRate must be one of {string.Join(", ", OpusFormat.SampleRates)} Hz with opus; it is {format.SampleRate}.");
        if (!OpusFormat.IsSupportedChannels(format.Channels))
            throw new EdgeProtocolException($"start.channels must be 1 or 2 with opus; it is {format.Channels}.");
        return new OpusEncoding(format);
    }

    /// <inheritdoc />
    /// <exception cref="EdgeProtocolException">The message is not a decodable Opus packet ("undecodable Opus packet: …").</exception>
    public float[] Decode(ReadOnlySpan<byte> message)
    {
        int count;
        try
        {
            count = _decoder.Decode(message, _decoded);
        }
        catch (OpusPacketException e)
        {
            throw new EdgeProtocolException(e.Message);
        }

        return _decoded.AsSpan(0, count).ToArray();
    }

    /// <inheritdoc />
    public int MaxEncodedBytes(int samples) => OpusFormat.MaxPacketBytes;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="samples"/> holds more than 20 ms.</exception>
    public int Encode(ReadOnlySpan<float> samples, Span<byte> destination)
    {
        if (samples.Length == _encoder.PacketSamples)
            return _encoder.Encode(samples, destination);
        if (samples.Length > _encoder.PacketSamples)
            throw new ArgumentException($"An outgoing packet holds at most 20 ms ({_encoder.PacketSamples} samples); this one has {samples.Length}.", nameof(samples));
        samples.CopyTo(_padded);
        _padded.AsSpan(samples.Length).Clear();
        return _encoder.Encode(_padded, destination);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }
}
