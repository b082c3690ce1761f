using Concentus;
using Concentus.Enums;

namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// Encodes 20 ms of interleaved float audio into one Opus packet (Concentus). One encoder per session and direction:
/// it keeps state from packet to packet, so packets must be encoded in order, and it is not thread-safe.
/// </summary>
internal sealed class OpusPacketEncoder : IDisposable
{
    /// <summary>32 kbit/s for each channel: transparent speech and clean music at any of Opus's rates.</summary>
    public const int BitratePerChannel = 32_000;

    private readonly IOpusEncoder _encoder;
    private readonly float[] _finite;

    /// <summary>Creates an encoder for packets of <paramref name="sampleRate"/> Hz and <paramref name="channels"/> channels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not 8, 12, 16, 24 or 48 kHz, or the channel count not 1 or 2.</exception>
    public OpusPacketEncoder(int sampleRate, int channels)
    {
        OpusFormat.Validate(sampleRate, channels);
        SampleRate = sampleRate;
        Channels = channels;
        PacketSamples = OpusFormat.PacketSamples(sampleRate, channels);
        _finite = new float[PacketSamples];
        _encoder = OpusCodecFactory.CreateEncoder(sampleRate, channels, OpusApplication.OPUS_APPLICATION_AUDIO);

        // The default bitrate at the narrow rates is low enough that the encoder folds stereo into mono.
        _encoder.Bitrate = BitratePerChannel * channels;
    }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Interleaved channels.</summary>
    public int Channels { get; }

    /// <summary>Interleaved samples in one packet: 20 ms of every channel.</summary>
    public int PacketSamples { get; }

    /// <summary>
    /// Encodes exactly one packet's samples into <paramref name="packet"/> and returns the packet's length in bytes.
    /// Samples beyond -1..1 are clipped; NaN and infinities are coded as silence. Both spans stay the caller's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is not <see cref="PacketSamples"/> long, or
    /// <paramref name="packet"/> is shorter than <see cref="OpusFormat.MaxPacketBytes"/>.</exception>
    public int Encode(ReadOnlySpan<float> samples, Span<byte> packet)
    {
        if (samples.Length != PacketSamples)
        {
            throw new ArgumentException(
                $"An Opus packet holds 20 ms: {PacketSamples} interleaved samples at {SampleRate} Hz and {Channels} channel(s), not {samples.Length}.",
                nameof(samples));
        }

        if (packet.Length < OpusFormat.MaxPacketBytes)
            throw new ArgumentException($"The packet buffer must hold {OpusFormat.MaxPacketBytes} bytes; it holds {packet.Length}.", nameof(packet));
        return _encoder.Encode(Finite(samples), SampleRate / 50, packet, OpusFormat.MaxPacketBytes);
    }

    /// <inheritdoc />
    public void Dispose() => (_encoder as IDisposable)?.Dispose();

    // A NaN would poison the encoder's state for every later packet of the session.
    private ReadOnlySpan<float> Finite(ReadOnlySpan<float> samples)
    {
        var i = 0;
        while (i < samples.Length && float.IsFinite(samples[i]))
            i++;
        if (i == samples.Length)
            return samples;
        for (var j = 0; j < samples.Length; j++)
            _finite[j] = float.IsFinite(samples[j]) ? samples[j] : 0f;
        return _finite;
    }
}
