using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Produces a sine tone, the same on every channel, in frames of a fixed size: a test and
/// calibration signal.
/// </summary>
/// <remarks>
/// Frames hold <see cref="SamplesPerFrame"/> samples per channel (the last of a finite tone may hold
/// fewer), are numbered from 0 and timed by sample position from zero. Each frame gets a new buffer.
/// With a <see cref="Duration"/> the source ends after <c>round(duration × sampleRate)</c> samples per
/// channel; without one it never ends (stop it with a downstream Take or a kill switch).
/// Frames are produced as fast as downstream asks, not paced to the wall clock.
/// </remarks>
public sealed class ToneGeneratorSource : SourceNode<AudioFrame>
{
    private readonly long _totalSamples;
    private readonly double _cyclesPerSample;
    private double _phase;
    private long _position;
    private long _sequence;

    /// <summary>Creates the source.</summary>
    /// <param name="frequencyHz">Tone frequency in Hz; from 0 up to half the sample rate.</param>
    /// <param name="sampleRate">Samples per second per channel; positive.</param>
    /// <param name="channels">Channel count; positive.</param>
    /// <param name="duration">Length of the tone; zero or positive, null for an endless tone.</param>
    /// <param name="samplesPerFrame">Samples per channel per frame; positive (960 = 20 ms at 48 kHz).</param>
    /// <param name="amplitude">Peak level, linear, 0..1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public ToneGeneratorSource(
        double frequencyHz,
        int sampleRate = 48000,
        int channels = 1,
        TimeSpan? duration = null,
        int samplesPerFrame = 960,
        float amplitude = 0.5f)
    {
        if (sampleRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate must be a positive number of hertz.");
        }

        if (!(frequencyHz >= 0 && frequencyHz <= sampleRate / 2.0))
        {
            throw new ArgumentOutOfRangeException(nameof(frequencyHz), frequencyHz, $"The frequency must be between 0 and {sampleRate / 2.0} Hz (half the sample rate).");
        }

        if (channels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "The channel count must be positive.");
        }

        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "The duration must not be negative.");
        }

        if (samplesPerFrame <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samplesPerFrame), samplesPerFrame, "Samples per frame must be positive.");
        }

        if (!(amplitude >= 0f && amplitude <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "The amplitude must be a linear level between 0 and 1.");
        }

        FrequencyHz = frequencyHz;
        SampleRate = sampleRate;
        Channels = channels;
        Duration = duration;
        SamplesPerFrame = samplesPerFrame;
        Amplitude = amplitude;
        _totalSamples = duration is { } d ? MediaTime.ToSamples(d, sampleRate) : long.MaxValue;
        _cyclesPerSample = frequencyHz / sampleRate;
    }

    /// <summary>Tone frequency in Hz.</summary>
    public double FrequencyHz { get; }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Channel count.</summary>
    public int Channels { get; }

    /// <summary>Length of the tone; null when endless.</summary>
    public TimeSpan? Duration { get; }

    /// <summary>Samples per channel per frame.</summary>
    public int SamplesPerFrame { get; }

    /// <summary>Peak level, linear.</summary>
    public float Amplitude { get; }

    /// <inheritdoc />
    public override bool Produce(INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var count = (int)Math.Min(SamplesPerFrame, _totalSamples - _position);
        if (count <= 0)
        {
            return false;
        }

        var samples = new float[count * Channels];
        for (var n = 0; n < count; n++)
        {
            var value = Amplitude * (float)Math.Sin(2 * Math.PI * _phase);
            _phase += _cyclesPerSample;
            if (_phase >= 1)
            {
                _phase -= 1;
            }

            if (Channels == 1)
            {
                samples[n] = value;
            }
            else
            {
                samples.AsSpan(n * Channels, Channels).Fill(value);
            }
        }

        output.Emit(new AudioFrame(samples, SampleRate, Channels, _sequence++, MediaTime.FromSamples(_position, SampleRate)));
        _position += count;
        return _position < _totalSamples;
    }
}
