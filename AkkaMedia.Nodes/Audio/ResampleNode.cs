using System.Buffers;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Converts audio to another sample rate (any rate to any rate, every channel) with a band-limited
/// windowed-sinc interpolator whose state carries across frames.
/// </summary>
/// <remarks>
/// <para>Timing: output and input start at the same instant (the filter delay is compensated), and the
/// whole stream of <c>N</c> input samples per channel becomes <c>ceil(N × target / source)</c> output
/// samples. Content above the lower of the two Nyquist frequencies is filtered out (cut-off at 90 % of
/// it, about 70 dB stop-band).</para>
/// <para>Framing: each input yields one output frame holding the samples it completed, which may be a
/// few fewer than <c>input length × ratio</c> because each output needs a short look-ahead of input
/// (18 input samples when upsampling, proportionally more when downsampling: 54 from 48 to 16 kHz); an input that
/// completes none yields nothing. At end of stream the samples still held are emitted as a last
/// frame. Output frames are numbered from the first input's sequence number, one per output frame,
/// and timed by output sample position from the first input's timestamp.</para>
/// <para>The first frame fixes the input format; a later frame in another sample rate or channel
/// count fails the stream with a <see cref="FrameFormatException"/>. Frames already at the target
/// rate are passed on unchanged. Output buffers are new; inputs are never written.</para>
/// <para>Stateful (<see cref="IStatefulNode"/>): the state is the format, the counters and the filter's input
/// history; a node restored from it continues sample for sample.</para>
/// </remarks>
public sealed class ResampleNode : Node<AudioFrame, AudioFrame>, IStatefulNode
{
    /// <summary>Version of the state <see cref="SaveState"/> writes.</summary>
    private const byte StateVersion = 1;

    private readonly AudioFormatGuard _format;
    private SincResampler? _resampler;
    private long _firstSequence;
    private long _framesOut;
    private TimeSpan _start;

    /// <summary>Creates the node.</summary>
    /// <param name="targetSampleRate">Sample rate of every output frame, in Hz; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSampleRate"/> is zero or negative.</exception>
    public ResampleNode(int targetSampleRate)
    {
        if (targetSampleRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetSampleRate), targetSampleRate, "The target sample rate must be a positive number of hertz.");
        }

        TargetSampleRate = targetSampleRate;
        _format = new AudioFormatGuard(Name);
    }

    /// <summary>Sample rate of every output frame, in Hz.</summary>
    public int TargetSampleRate { get; }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (_format.Check(input))
        {
            _firstSequence = input.Sequence;
            _start = input.Timestamp;
            if (input.SampleRate != TargetSampleRate)
            {
                _resampler = new SincResampler(input.SampleRate, TargetSampleRate, input.Channels);
            }
        }

        if (_resampler is null)
        {
            output.Emit(input);
            return;
        }

        var position = _resampler.OutputCount;
        Emit(_resampler.Process(input.Samples.Span), position, output);
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_resampler is not null)
        {
            var position = _resampler.OutputCount;
            Emit(_resampler.Flush(), position, output);
        }
    }

    private void Emit(float[] samples, long position, INodeOutput<AudioFrame> output)
    {
        if (samples.Length == 0)
        {
            return;
        }

        output.Emit(new AudioFrame(
            samples,
            TargetSampleRate,
            _format.Channels,
            _firstSequence + _framesOut++,
            _start + MediaTime.FromSamples(position, TargetSampleRate)));
    }

    /// <inheritdoc />
    public void SaveState(IBufferWriter<byte> destination)
    {
        var writer = new NodeStateWriter(destination);
        writer.WriteVersion(StateVersion);
        _format.Save(writer);
        writer.WriteInt64(_firstSequence);
        writer.WriteInt64(_framesOut);
        writer.WriteTimeSpan(_start);
        writer.WriteBoolean(_resampler is not null);
        _resampler?.Save(writer);
    }

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        var reader = new NodeStateReader(state, Name);
        reader.ReadVersion(StateVersion);
        var format = AudioFormatGuard.Read(ref reader);
        var firstSequence = reader.ReadInt64();
        var framesOut = reader.ReadInt64();
        var start = reader.ReadTimeSpan();
        var resampling = reader.ReadBoolean();
        if (resampling != (format.IsFixed && format.SampleRate != TargetSampleRate))
        {
            throw reader.Invalid($"it was saved by a node resampling to another rate than {TargetSampleRate} Hz");
        }

        var resampler = resampling ? SincResampler.Restore(format.SampleRate, TargetSampleRate, format.Channels, ref reader) : null;
        reader.ReadEnd();
        _format.Restore(format);
        _firstSequence = firstSequence;
        _framesOut = framesOut;
        _start = start;
        _resampler = resampler;
    }
}
