using System.Buffers;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Adds one delayed, attenuated copy of the signal to itself (a feed-forward echo):
/// <c>y[n] = x[n] + mix × decay × x[n − D]</c> on every channel, where
/// <c>D = round(delay × sampleRate)</c> samples.
/// </summary>
/// <remarks>
/// <para>The delay line lives across frames, so an echo crosses frame boundaries. The first frame
/// fixes the stream's format; a later frame with another sample rate or channel count fails the
/// stream with a <see cref="FrameFormatException"/>.</para>
/// <para>One output per input, with the input's format, sequence and timestamp, over a new buffer (pooled
/// when the input is, see <see cref="AudioFrame"/>).
/// At end of stream the node emits one more frame of <c>D</c> samples per channel holding the echo
/// tail (<c>mix × decay × x[N − D .. N − 1]</c>), numbered one after the last input and timed right
/// after it. A zero delay adds the copy in place and has no tail; an empty stream emits nothing.</para>
/// <para>Stateful (<see cref="IStatefulNode"/>): the state is the format, the delay line and the counters; a node
/// restored from it continues the echo sample for sample. State saved with another delay is refused.</para>
/// </remarks>
public sealed class EchoNode : Node<AudioFrame, AudioFrame>, IStatefulNode
{
    /// <summary>Version of the state <see cref="SaveState"/> writes.</summary>
    private const byte StateVersion = 1;

    private readonly AudioFormatGuard _format;
    private float[] _line = [];
    private int _position;
    private long _samplesIn;
    private long _lastSequence;
    private TimeSpan _start;

    /// <summary>The longest delay the node accepts: its delay line holds this much audio per stream.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    /// <summary>Creates the node.</summary>
    /// <param name="delay">Time between the signal and its echo; zero up to <see cref="MaxDelay"/>.</param>
    /// <param name="decay">Level of the echo relative to the signal, linear, 0..1.</param>
    /// <param name="mix">Scale of the wet (echo) part, linear, 0..1; 0 makes the node a pass-through with a silent tail.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="delay"/> is negative or above <see cref="MaxDelay"/>, or <paramref name="decay"/> or <paramref name="mix"/> is NaN or outside 0..1.
    /// </exception>
    public EchoNode(TimeSpan delay, float decay, float mix = 1f)
    {
        if (delay < TimeSpan.Zero || delay > MaxDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"The echo delay must be between zero and {MaxDelay.TotalSeconds:0} s.");
        }

        if (!(decay >= 0f && decay <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "The echo decay must be a linear factor between 0 and 1.");
        }

        if (!(mix >= 0f && mix <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(mix), mix, "The wet mix must be a linear factor between 0 and 1.");
        }

        Delay = delay;
        Decay = decay;
        Mix = mix;
        _format = new AudioFormatGuard(Name);
    }

    /// <summary>Time between the signal and its echo.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Level of the echo relative to the signal (linear).</summary>
    public float Decay { get; }

    /// <summary>Scale of the wet part (linear).</summary>
    public float Mix { get; }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (_format.Check(input))
        {
            _line = new float[MediaTime.ToSamples(Delay, input.SampleRate) * input.Channels];
            _start = input.Timestamp;
        }

        var wet = Mix * Decay;
        var source = input.Samples.Span;
        // Both branches below write every sample, so the buffer need not be zeroed first.
        var frame = FrameOutput.Like(input, out var samples);
        if (_line.Length == 0)
        {
            SampleMath.Scale(source, 1f + wet, samples);
        }
        else
        {
            // Walk the ring in at most two contiguous pieces per wrap: read the delayed samples, then store the new ones.
            var line = _line.AsSpan();
            for (var i = 0; i < source.Length;)
            {
                var count = Math.Min(source.Length - i, line.Length - _position);
                var delayed = line.Slice(_position, count);
                var current = source.Slice(i, count);
                SampleMath.AddScaled(current, delayed, wet, samples.Slice(i, count));
                current.CopyTo(delayed);
                _position = (_position + count) % line.Length;
                i += count;
            }
        }

        _samplesIn += input.SamplesPerChannel;
        _lastSequence = input.Sequence;
        output.Emit(frame);
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_format.IsFixed || _line.Length == 0)
        {
            return;
        }

        // The oldest sample in the ring sits at the write position: the tail starts there.
        var wet = Mix * Decay;
        var tail = new float[_line.Length];
        var older = _line.AsSpan(_position);
        SampleMath.Scale(older, wet, tail);
        SampleMath.Scale(_line.AsSpan(0, _position), wet, tail.AsSpan(older.Length));
        output.Emit(new AudioFrame(
            tail,
            _format.SampleRate,
            _format.Channels,
            _lastSequence + 1,
            _start + MediaTime.FromSamples(_samplesIn, _format.SampleRate)));
    }

    /// <inheritdoc />
    public void SaveState(IBufferWriter<byte> destination)
    {
        var writer = new NodeStateWriter(destination);
        writer.WriteVersion(StateVersion);
        _format.Save(writer);
        writer.WriteInt32(_position);
        writer.WriteInt64(_samplesIn);
        writer.WriteInt64(_lastSequence);
        writer.WriteTimeSpan(_start);
        writer.WriteFloats(_line);
    }

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        var reader = new NodeStateReader(state, Name);
        reader.ReadVersion(StateVersion);
        var format = AudioFormatGuard.Read(ref reader);
        var position = reader.ReadInt32();
        var samplesIn = reader.ReadInt64();
        var lastSequence = reader.ReadInt64();
        var start = reader.ReadTimeSpan();
        var line = reader.ReadFloats();
        reader.ReadEnd();
        var expected = format.IsFixed ? MediaTime.ToSamples(Delay, format.SampleRate) * format.Channels : 0;
        if (line.Length != expected)
        {
            throw reader.Invalid($"its delay line holds {line.Length} samples where a {Delay.TotalMilliseconds:0.###} ms delay needs {expected}; it was saved with another delay");
        }

        if (position < 0 || (line.Length > 0 ? position >= line.Length : position != 0) || samplesIn < 0)
        {
            throw reader.Invalid($"its ring position {position} or sample count {samplesIn} is impossible");
        }

        _format.Restore(format);
        _line = line;
        _position = position;
        _samplesIn = samplesIn;
        _lastSequence = lastSequence;
        _start = start;
    }
}
