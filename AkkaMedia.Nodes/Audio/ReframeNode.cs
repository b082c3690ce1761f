using System.Buffers;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Re-chunks audio into frames of exactly <see cref="SamplesPerFrame"/> samples per channel,
/// whatever the sizes of the incoming frames (e.g. 441-sample file blocks into 20 ms frames of 960).
/// </summary>
/// <remarks>
/// <para>Every input sample appears in the output once, in order. An input may yield zero, one or
/// several outputs. Output frames are numbered from the first input's sequence number, one per
/// output frame, and timed by sample position from the first input's timestamp.</para>
/// <para>At end of stream the samples still held are emitted as one shorter last frame (none when
/// nothing is left). The first frame fixes the format; a later frame in another sample rate or
/// channel count fails the stream with a <see cref="FrameFormatException"/>.</para>
/// </remarks>
public sealed class ReframeNode : Node<AudioFrame, AudioFrame>, IStatefulNode
{
    /// <summary>Version of the state <see cref="SaveState"/> writes.</summary>
    private const byte StateVersion = 1;

    private readonly AudioFormatGuard _format;
    private float[] _current = [];
    private int _filled;
    private long _firstSequence;
    private long _framesOut;
    private long _samplesOut;
    private TimeSpan _start;

    /// <summary>Creates the node.</summary>
    /// <param name="samplesPerFrame">Samples per channel in every output frame but possibly the last; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samplesPerFrame"/> is zero or negative.</exception>
    public ReframeNode(int samplesPerFrame)
    {
        if (samplesPerFrame <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samplesPerFrame), samplesPerFrame, "Samples per frame must be positive.");
        }

        SamplesPerFrame = samplesPerFrame;
        _format = new AudioFormatGuard(Name);
    }

    /// <summary>Samples per channel in each output frame (the last one may hold fewer).</summary>
    public int SamplesPerFrame { get; }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (_format.Check(input))
        {
            _firstSequence = input.Sequence;
            _start = input.Timestamp;
        }

        var source = input.Samples.Span;
        while (!source.IsEmpty)
        {
            if (_current.Length == 0)
            {
                // Only the filled part is ever emitted (the last frame is a slice), so the array need not be zeroed.
                _current = GC.AllocateUninitializedArray<float>(SamplesPerFrame * _format.Channels);
                _filled = 0;
            }

            var count = Math.Min(source.Length, _current.Length - _filled);
            source.Slice(0, count).CopyTo(_current.AsSpan(_filled));
            _filled += count;
            source = source.Slice(count);
            if (_filled == _current.Length)
            {
                Emit(_current, output);
                _current = [];
            }
        }
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_filled > 0 && _current.Length > 0)
        {
            Emit(_current.AsMemory(0, _filled), output);
            _current = [];
        }
    }

    private void Emit(ReadOnlyMemory<float> samples, INodeOutput<AudioFrame> output)
    {
        var frame = new AudioFrame(
            samples,
            _format.SampleRate,
            _format.Channels,
            _firstSequence + _framesOut,
            _start + MediaTime.FromSamples(_samplesOut, _format.SampleRate));
        _framesOut++;
        _samplesOut += samples.Length / _format.Channels;
        _filled = 0;
        output.Emit(frame);
    }

    /// <inheritdoc />
    public void SaveState(IBufferWriter<byte> destination)
    {
        var writer = new NodeStateWriter(destination);
        writer.WriteVersion(StateVersion);
        _format.Save(writer);
        writer.WriteInt64(_firstSequence);
        writer.WriteInt64(_framesOut);
        writer.WriteInt64(_samplesOut);
        writer.WriteTimeSpan(_start);
        writer.WriteFloats(_current.AsSpan(0, _filled));
    }

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        var reader = new NodeStateReader(state, Name);
        reader.ReadVersion(StateVersion);
        var format = AudioFormatGuard.Read(ref reader);
        var firstSequence = reader.ReadInt64();
        var framesOut = reader.ReadInt64();
        var samplesOut = reader.ReadInt64();
        var start = reader.ReadTimeSpan();
        var pending = reader.ReadFloats();
        reader.ReadEnd();
        if (pending.Length > 0 && (!format.IsFixed || pending.Length >= (long)SamplesPerFrame * format.Channels || pending.Length % format.Channels != 0))
        {
            throw reader.Invalid(
                $"it holds {pending.Length} pending samples, which a node of {SamplesPerFrame} samples per frame cannot hold; it was saved with another frame size");
        }

        if (framesOut < 0 || samplesOut < 0)
        {
            throw reader.Invalid($"its counters ({framesOut} frames, {samplesOut} samples out) are negative");
        }

        _format.Restore(format);
        _firstSequence = firstSequence;
        _framesOut = framesOut;
        _samplesOut = samplesOut;
        _start = start;
        _current = [];
        _filled = 0;
        if (pending.Length > 0)
        {
            _current = GC.AllocateUninitializedArray<float>(SamplesPerFrame * format.Channels);
            pending.CopyTo(_current, 0);
            _filled = pending.Length;
        }
    }
}
