using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace EchoEffects;

/// <summary>
/// A feedback echo, as tape-delay units make it: every output sample is the input plus the output of
/// <c>delay</c> earlier scaled by <c>feedback</c>, <c>y[n] = x[n] + feedback × y[n − D]</c>, per channel, so
/// each repeat is quieter than the one before by the same factor.
/// </summary>
/// <remarks>
/// <para>One output frame per input frame, with the same format, sequence number and timestamp. At end of
/// stream the echo rings on for <c>tail</c> (silence in, echoes out), emitted as frames of the last input
/// frame's size (the last one shorter if need be), numbered and stamped on from the input. The input frames
/// are never written to.</para>
/// <para>The first frame fixes sample rate and channel count; a frame in another format fails the stream with
/// <see cref="FrameFormatException"/>. Memory: one delay line of D samples per channel.</para>
/// </remarks>
public sealed class AudioEchoEffect : Node<AudioFrame, AudioFrame>
{
    private readonly TimeSpan _delay;
    private readonly float _feedback;
    private readonly TimeSpan _tail;
    private float[]? _line;
    private int _position;
    private int _sampleRate;
    private int _channels;
    private int _frameSamples;
    private long _nextSequence;
    private TimeSpan _nextTimestamp;

    /// <param name="delay">Time between repeats; more than zero, at most 10 s.</param>
    /// <param name="feedback">Level of each repeat relative to the one before; at least 0, less than 1 (so the echo dies away).</param>
    /// <param name="tail">How long the echo rings on after the input ends; 0 to 60 s.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range; the message names it.</exception>
    public AudioEchoEffect(TimeSpan delay, float feedback, TimeSpan tail)
    {
        if (delay <= TimeSpan.Zero || delay > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay must be more than zero and at most 10 s.");
        }

        if (!(feedback >= 0 && feedback < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(feedback), feedback, "The feedback must be at least 0 and less than 1, or the echo would never die away.");
        }

        if (tail < TimeSpan.Zero || tail > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentOutOfRangeException(nameof(tail), tail, "The tail must be between 0 and 60 s.");
        }

        _delay = delay;
        _feedback = feedback;
        _tail = tail;
    }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (_line is null)
        {
            _sampleRate = input.SampleRate;
            _channels = input.Channels;
            var delaySamples = Math.Max(1, (long)Math.Round(_delay.TotalSeconds * _sampleRate, MidpointRounding.AwayFromZero));
            _line = new float[delaySamples * _channels];
        }
        else if (input.SampleRate != _sampleRate || input.Channels != _channels)
        {
            throw new FrameFormatException(Name, $"{_sampleRate} Hz, {_channels} ch", input.Format);
        }

        output.Emit(new AudioFrame(Echo(input.Samples.Span), _sampleRate, _channels, input.Sequence, input.Timestamp));
        _frameSamples = input.SamplesPerChannel;
        _nextSequence = input.Sequence + 1;
        _nextTimestamp = input.Timestamp + input.Duration;
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_line is null)
        {
            return; // nothing came in: nothing rings on
        }

        var remaining = (long)Math.Round(_tail.TotalSeconds * _sampleRate, MidpointRounding.AwayFromZero);
        var frameSamples = Math.Max(1, _frameSamples);
        while (remaining > 0)
        {
            var count = (int)Math.Min(frameSamples, remaining);
            var frame = new AudioFrame(Echo(new float[count * _channels]), _sampleRate, _channels, _nextSequence++, _nextTimestamp);
            output.Emit(frame);
            _nextTimestamp += frame.Duration;
            remaining -= count;
        }
    }

    /// <summary>Runs interleaved <paramref name="input"/> through the delay line; returns a new buffer.</summary>
    private float[] Echo(ReadOnlySpan<float> input)
    {
        var line = _line!;
        var result = new float[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            var sample = input[i] + (_feedback * line[_position]);
            line[_position] = sample;
            result[i] = sample;
            _position = (_position + 1) % line.Length;
        }

        return result;
    }
}
