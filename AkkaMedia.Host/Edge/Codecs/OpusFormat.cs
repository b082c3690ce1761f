namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// What the edge's Opus packets are: one 20 ms frame each, at a rate Opus codes natively (8, 12, 16, 24 or 48 kHz),
/// mono or stereo (RFC 6716).
/// </summary>
internal static class OpusFormat
{
    /// <summary>The sample rates an Opus encoder and decoder work at.</summary>
    public static readonly IReadOnlyList<int> SampleRates = [8000, 12000, 16000, 24000, 48000];

    /// <summary>The duration of one packet the edge sends, and expects, in milliseconds.</summary>
    public const int PacketMilliseconds = 20;

    /// <summary>The longest packet Opus decodes, in milliseconds (RFC 6716 §3.2.5).</summary>
    public const int MaxPacketMilliseconds = 120;

    /// <summary>The largest one-frame packet (RFC 6716 §3.2.1): the encoder is given this much room.</summary>
    public const int MaxPacketBytes = 1275;

    /// <summary>Whether <paramref name="sampleRate"/> is one of <see cref="SampleRates"/>.</summary>
    public static bool IsSupportedRate(int sampleRate) => sampleRate is 8000 or 12000 or 16000 or 24000 or 48000;

    /// <summary>Whether Opus carries <paramref name="channels"/> channels (1 or 2).</summary>
    public static bool IsSupportedChannels(int channels) => channels is 1 or 2;

    /// <summary>Interleaved samples in one 20 ms packet of this format.</summary>
    public static int PacketSamples(int sampleRate, int channels) => sampleRate / 1000 * PacketMilliseconds * channels;

    /// <summary>Throws unless the format is one Opus codes, naming the parameter at fault and the allowed values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate or the channel count is not one Opus supports.</exception>
    public static void Validate(int sampleRate, int channels)
    {
        if (!IsSupportedRate(sampleRate))
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"Opus codes at {string.Join(", ", SampleRates)} Hz.");
        if (!IsSupportedChannels(channels))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Opus codes 1 or 2 channels.");
    }
}
