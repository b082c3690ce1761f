using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace AkkaMedia.Executor.Tests;

/// <summary>Multiplies every sample by a factor; the node the remote specs run.</summary>
public sealed class ScaleNode : Node<AudioFrame, AudioFrame>
{
    private readonly float _factor;

    public ScaleNode(float factor)
    {
        if (!float.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be finite.");
        }

        _factor = factor;
    }

    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        var samples = new float[input.Samples.Length];
        var source = input.Samples.Span;
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = source[i] * _factor;
        }

        output.Emit(input.WithSamples(samples));
    }
}

/// <summary>Fails on the frame with sequence number <c>failAt</c>.</summary>
public sealed class FailingNode : Node<AudioFrame, AudioFrame>
{
    private readonly long _failAt;

    public FailingNode(long failAt) => _failAt = failAt;

    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        if (input.Sequence == _failAt)
        {
            throw new InvalidOperationException($"frame {input.Sequence} is cursed");
        }

        output.Emit(input);
    }
}

/// <summary>
/// Counts the frames of every stream with the same <c>key</c> in the session state of the node it runs on, and emits
/// each frame renumbered with that running count.
/// </summary>
public sealed class TallyNode(string key) : Node<AudioFrame, AudioFrame>
{
    private SessionState _state = null!;

    public override void Initialize(NodeContext context) => _state = context.SessionStates.GetOrCreate(key);

    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        var count = long.Parse(_state.GetString("frames") ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 1;
        _state.SetString("frames", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        output.Emit(new AudioFrame(input.Samples, input.SampleRate, input.Channels, count, input.Timestamp));
    }
}

public static class TestRegistry
{
    public static NodeRegistry Create() => new NodeRegistry()
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>("Scale", "Multiplies samples", c => new ScaleNode(c.GetFloat("factor", 1f)), "factor"))
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>("Failing", "Fails on a frame", c => new FailingNode(c.GetLong("fail-at", 3)), "fail-at"))
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>("Tally", "Counts frames per key in session state", c => new TallyNode(c.GetString("key")), "key"));

    public static AudioFrame Frame(long sequence, int samples = 960) =>
        new(Enumerable.Range(0, samples).Select(i => (float)Math.Sin((sequence * samples) + i)).ToArray(), 48000, 1, sequence, TimeSpan.FromMilliseconds(20 * sequence));
}
