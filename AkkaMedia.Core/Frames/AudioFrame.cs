namespace AkkaMedia.Frames;

/// <summary>
/// A block of interleaved 32-bit float PCM audio (the NAudio <c>ISampleProvider</c> convention:
/// nominal range -1..1, samples of all channels of one instant next to each other).
/// </summary>
/// <remarks>
/// The frame owns <see cref="Samples"/> and never changes it. Callers that hand in a buffer give
/// up the right to write to it afterwards; use <see cref="Copy"/> when the source buffer is reused.
/// </remarks>
public sealed class AudioFrame : IMediaFrame, IEquatable<AudioFrame>
{
    /// <summary>Creates a frame over <paramref name="samples"/> without copying them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="sampleRate"/> or <paramref name="channels"/> is not positive, or the sample
    /// count is not a whole number of channel groups.
    /// </exception>
    public AudioFrame(ReadOnlyMemory<float> samples, int sampleRate, int channels, long sequence = 0, TimeSpan timestamp = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (samples.Length % channels != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples.Length,
                $"An interleaved buffer of {channels} channel(s) must hold a multiple of {channels} samples.");
        }

        Samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
        Sequence = sequence;
        Timestamp = timestamp;
    }

    /// <summary>Interleaved samples; length is <see cref="SamplesPerChannel"/> × <see cref="Channels"/>.</summary>
    public ReadOnlyMemory<float> Samples { get; }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Number of interleaved channels.</summary>
    public int Channels { get; }

    /// <inheritdoc />
    public long Sequence { get; }

    /// <inheritdoc />
    public TimeSpan Timestamp { get; }

    /// <summary>Number of sample instants in the frame (samples per channel).</summary>
    public int SamplesPerChannel => Samples.Length / Channels;

    /// <summary>Length of the frame in media time.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(SamplesPerChannel * TimeSpan.TicksPerSecond / SampleRate);

    /// <summary>A short description of the format, such as <c>48000 Hz, 2 ch</c>, used in error messages.</summary>
    public string Format => $"{SampleRate} Hz, {Channels} ch";

    /// <summary>Creates a frame holding a private copy of <paramref name="samples"/>.</summary>
    public static AudioFrame Copy(ReadOnlySpan<float> samples, int sampleRate, int channels, long sequence = 0, TimeSpan timestamp = default) =>
        new(samples.ToArray(), sampleRate, channels, sequence, timestamp);

    /// <summary>Returns a frame with the same format, sequence and timestamp over new samples.</summary>
    public AudioFrame WithSamples(ReadOnlyMemory<float> samples) => new(samples, SampleRate, Channels, Sequence, Timestamp);

    /// <summary>Value equality: same format, sequence, timestamp and bit-identical samples.</summary>
    public bool Equals(AudioFrame? other) =>
        other is not null
        && SampleRate == other.SampleRate
        && Channels == other.Channels
        && Sequence == other.Sequence
        && Timestamp == other.Timestamp
        && System.Runtime.InteropServices.MemoryMarshal.AsBytes(Samples.Span)
            .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(other.Samples.Span));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AudioFrame);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SampleRate, Channels, Sequence, Timestamp, Samples.Length);

    /// <inheritdoc />
    public override string ToString() => $"AudioFrame(#{Sequence}, {Format}, {SamplesPerChannel} samples @ {Timestamp.TotalMilliseconds:0.###} ms)";
}
