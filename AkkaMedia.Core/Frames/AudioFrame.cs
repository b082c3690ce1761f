namespace AkkaMedia.Frames;

/// <summary>
/// A block of interleaved 32-bit float PCM audio (the NAudio <c>ISampleProvider</c> convention:
/// nominal range -1..1, samples of all channels of one instant next to each other).
/// </summary>
/// <remarks>
/// <para>The frame owns <see cref="Samples"/> and never changes it. Callers that hand in a buffer give
/// up the right to write to it afterwards; use <see cref="Copy"/> when the source buffer is reused.</para>
/// <para><b>Pooled frames.</b> A frame made by <see cref="Rent"/>, and every audio frame the media link
/// delivers, holds its samples in a buffer rented from a pool (<see cref="IsPooled"/>). Ownership travels
/// with the frame:</para>
/// <list type="bullet">
/// <item>Whoever holds a pooled frame owns one reference to its buffer. Pushing the frame downstream,
/// emitting it from a node, or handing it to a remote stage hands that reference over.</item>
/// <item>The last owner calls <see cref="Release"/>, which returns the buffer to the pool. AkkaMedia's own
/// stages do this for you: a node stage releases its input after <c>Process</c> unless the node emitted that
/// very frame, and a remote stage releases each frame once its samples are written to the link. A frame
/// nobody releases is simply collected by the GC: forgetting costs an allocation, never correctness.</item>
/// <item>A node that keeps a frame (or a view of its <see cref="Samples"/>) after <c>Process</c> returns calls
/// <see cref="Retain"/> and later <see cref="Release"/>. A graph that hands one frame to several branches
/// (Akka's <c>Broadcast</c>, <c>AlsoTo</c>, <c>WireTap</c>) retains it once per extra branch, or copies it.</item>
/// <item>A frame built over a view of a pooled buffer (<see cref="WithSamples"/> with a slice of
/// <see cref="Samples"/>, or the constructor) takes a reference of its own, so the buffer lives as long as any
/// frame over it.</item>
/// </list>
/// <para>Reading the samples of a frame after its buffer went back to the pool throws
/// <see cref="ObjectDisposedException"/> naming this rule, in every build; releasing more often than
/// retaining throws <see cref="InvalidOperationException"/>. Debug builds also fill a returned buffer with NaN,
/// so a span held across its release shows up in any comparison. Frames over the caller's own memory are not
/// pooled: <see cref="Retain"/> and <see cref="Release"/> do nothing on them.</para>
/// </remarks>
public sealed class AudioFrame : IMediaFrame, IEquatable<AudioFrame>
{
    /// <summary>The pooled buffer behind <see cref="Samples"/>, with one reference held by this frame; null when not pooled.</summary>
    private readonly SampleLease? _lease;

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
        _lease = SampleLease.Of(samples);
        _lease?.Retain();
    }

    /// <summary>A frame that takes over the caller's reference to <paramref name="lease"/>; the caller checked the format.</summary>
    private AudioFrame(SampleLease lease, int sampleRate, int channels, long sequence, TimeSpan timestamp)
    {
        _lease = lease;
        Samples = lease.Memory;
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

    /// <summary>
    /// Creates a pooled frame of <paramref name="sampleCount"/> interleaved samples and hands the caller its buffer
    /// to fill, through <paramref name="samples"/> (contents undefined: write every sample). The caller owns the
    /// frame's one reference: fill the span before handing the frame on, and do not write to it afterwards.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="sampleRate"/> or <paramref name="channels"/> is not positive, <paramref name="sampleCount"/> is
    /// negative, or it is not a whole number of channel groups.
    /// </exception>
    public static AudioFrame Rent(int sampleCount, int sampleRate, int channels, long sequence, TimeSpan timestamp, out Span<float> samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (sampleCount % channels != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount,
                $"An interleaved buffer of {channels} channel(s) must hold a multiple of {channels} samples.");
        }

        var lease = SampleLease.Rent(sampleCount);
        samples = lease.GetSpan();
        return new AudioFrame(lease, sampleRate, channels, sequence, timestamp);
    }

    /// <summary>True when the samples live in a pooled buffer (see the remarks on ownership).</summary>
    public bool IsPooled => _lease is not null;

    /// <summary>
    /// Adds a reference to a pooled frame's buffer, for a holder beyond the one it was handed to (a node that keeps
    /// the frame past <c>Process</c>, an extra branch of a fan-out); each <see cref="Retain"/> needs its own
    /// <see cref="Release"/>. Does nothing on a frame that is not pooled.
    /// </summary>
    /// <returns>This frame, to retain inline (<c>Select(f => f.Retain())</c>).</returns>
    /// <exception cref="ObjectDisposedException">The frame's buffer already went back to the pool.</exception>
    public AudioFrame Retain()
    {
        _lease?.Retain();
        return this;
    }

    /// <summary>
    /// Gives up the caller's reference to a pooled frame's buffer; the last reference returns it to the pool, after
    /// which the frame's <see cref="Samples"/> can no longer be read. Does nothing on a frame that is not pooled.
    /// </summary>
    /// <exception cref="InvalidOperationException">The frame was released more often than it was held.</exception>
    public void Release() => _lease?.Release();

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
