using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// Converts every <see cref="AudioFrame"/> to one format (channel count, sample rate, frame size), whatever format it
/// arrives in, and passes every other element through unchanged: the edge's translation between a client's format and a
/// pipeline's, in both directions.
/// </summary>
/// <remarks>
/// Audio is mixed (<see cref="ChannelMixNode"/>), then resampled (<see cref="ResampleNode"/>), then cut into frames of
/// exactly <c>framesPerPacket</c> sample frames (<see cref="ReframeNode"/>); the last frame at the end of the stream may be
/// shorter. A change of the incoming format mid-stream flushes the audio held for the old format and starts anew, so a
/// pipeline that switches formats does not fail the session. Elements that are not audio are emitted at once, so they may
/// overtake audio still held for reframing (at most one frame's worth).
/// </remarks>
internal sealed class EdgeAudioAdapter : Node<object, object>
{
    private readonly int _sampleRate;
    private readonly int _channels;
    private readonly int _framesPerPacket;
    private readonly Collector _collector = new();
    private Chain? _chain;

    /// <summary>Creates the adapter to <paramref name="sampleRate"/> Hz, <paramref name="channels"/> channels, frames of <paramref name="framesPerPacket"/> sample frames.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is zero or negative.</exception>
    public EdgeAudioAdapter(int sampleRate, int channels, int framesPerPacket)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerPacket);
        _sampleRate = sampleRate;
        _channels = channels;
        _framesPerPacket = framesPerPacket;
    }

    /// <inheritdoc />
    public override void Process(object input, INodeOutput<object> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (input is not AudioFrame audio)
        {
            output.Emit(input);
            return;
        }

        if (_chain is { } current && (current.SampleRate != audio.SampleRate || current.Channels != audio.Channels))
        {
            current.Complete(_collector, output);
            _chain = null;
        }

        _chain ??= new Chain(audio.SampleRate, audio.Channels, _sampleRate, _channels, _framesPerPacket);
        _chain.Process(audio, _collector, output);
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<object> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _chain?.Complete(_collector, output);
        _chain = null;
    }

    /// <summary>The nodes for one incoming format, run in order within one call.</summary>
    private sealed class Chain(int sampleRate, int channels, int targetRate, int targetChannels, int framesPerPacket)
    {
        private readonly ChannelMixNode? _mix = channels == targetChannels ? null : new ChannelMixNode(targetChannels);
        private readonly ResampleNode? _resample = sampleRate == targetRate ? null : new ResampleNode(targetRate);
        private readonly ReframeNode _reframe = new(framesPerPacket);

        public int SampleRate { get; } = sampleRate;

        public int Channels { get; } = channels;

        public void Process(AudioFrame frame, Collector collector, INodeOutput<object> output)
        {
            collector.Items.Clear();
            collector.Items.Add(frame);
            if (_mix is not null)
            {
                Step(_mix, collector);
            }

            if (_resample is not null)
            {
                Step(_resample, collector);
            }

            Step(_reframe, collector);
            Drain(collector, output);
        }

        public void Complete(Collector collector, INodeOutput<object> output)
        {
            collector.Items.Clear();
            if (_mix is not null)
            {
                _mix.Complete(collector);
            }

            if (_resample is not null)
            {
                Step(_resample, collector);
                _resample.Complete(collector);
            }

            Step(_reframe, collector);
            _reframe.Complete(collector);
            Drain(collector, output);
            _mix?.Dispose();
            _resample?.Dispose();
            _reframe.Dispose();
        }

        private static void Step(Node<AudioFrame, AudioFrame> node, Collector collector)
        {
            if (collector.Items.Count == 0)
            {
                return;
            }

            var inputs = collector.Items.ToArray();
            collector.Items.Clear();
            foreach (var input in inputs)
            {
                node.Process(input, collector);
            }
        }

        private static void Drain(Collector collector, INodeOutput<object> output)
        {
            foreach (var frame in collector.Items)
            {
                output.Emit(frame);
            }

            collector.Items.Clear();
        }
    }

    /// <summary>Gathers what one step of the chain emits.</summary>
    private sealed class Collector : INodeOutput<AudioFrame>
    {
        public List<AudioFrame> Items { get; } = [];

        public void Emit(AudioFrame element) => Items.Add(element);
    }
}
