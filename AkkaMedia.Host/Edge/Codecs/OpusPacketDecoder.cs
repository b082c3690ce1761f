using Concentus;

namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// Decodes Opus packets into interleaved float audio (Concentus). One decoder per session: it keeps state from packet
/// to packet, so packets must be decoded in order, and it is not thread-safe. A packet of any valid duration decodes
/// (the edge's clients send 20 ms); an undecodable one is an <see cref="OpusPacketException"/>, after which the
/// decoder is not used again (the session ends).
/// </summary>
internal sealed class OpusPacketDecoder : IDisposable
{
    private readonly IOpusDecoder _decoder;

    /// <summary>Creates a decoder giving <paramref name="sampleRate"/> Hz and <paramref name="channels"/> channels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not 8, 12, 16, 24 or 48 kHz, or the channel count not 1 or 2.</exception>
    public OpusPacketDecoder(int sampleRate, int channels)
    {
        OpusFormat.Validate(sampleRate, channels);
        SampleRate = sampleRate;
        Channels = channels;
        MaxDecodedSamples = sampleRate / 1000 * OpusFormat.MaxPacketMilliseconds * channels;
        _decoder = OpusCodecFactory.CreateDecoder(sampleRate, channels);
    }

    /// <summary>Samples per second per channel of the decoded audio.</summary>
    public int SampleRate { get; }

    /// <summary>Interleaved channels of the decoded audio.</summary>
    public int Channels { get; }

    /// <summary>Interleaved samples of the longest packet (120 ms): the room <see cref="Decode"/> needs.</summary>
    public int MaxDecodedSamples { get; }

    /// <summary>
    /// Decodes one packet into the start of <paramref name="samples"/> and returns how many interleaved samples it wrote.
    /// Both spans stay the caller's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is shorter than <see cref="MaxDecodedSamples"/>.</exception>
    /// <exception cref="OpusPacketException">The packet is empty or does not decode.</exception>
    public int Decode(ReadOnlySpan<byte> packet, Span<float> samples)
    {
        if (samples.Length < MaxDecodedSamples)
            throw new ArgumentException($"The sample buffer must hold {MaxDecodedSamples} samples (120 ms); it holds {samples.Length}.", nameof(samples));
        if (packet.IsEmpty)
            throw new OpusPacketException("undecodable Opus packet: the message is empty; send one Opus packet of 20 ms per binary message");

        int perChannel;
        try
        {
            perChannel = _decoder.Decode(packet, samples, MaxDecodedSamples / Channels, false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // OpusException for what the decoder recognizes as malformed; anything else it throws on hostile bytes
            // (an index out of range deep in the range decoder) is the same verdict about the packet.
            throw new OpusPacketException($"undecodable Opus packet of {packet.Length} bytes: {e.Message}", e);
        }

        if (perChannel <= 0)
            throw new OpusPacketException($"undecodable Opus packet of {packet.Length} bytes: it holds no audio");
        return perChannel * Channels;
    }

    /// <inheritdoc />
    public void Dispose() => (_decoder as IDisposable)?.Dispose();
}
