using Akka.Event;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Protocol;
using BenchmarkDotNet.Attributes;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// What failover costs the executor per frame: a 20 ms 48 kHz mono frame through <see cref="EchoNode"/> (250 ms delay,
/// so a 12,000-sample history to save) called directly, and through the checkpointing adapter of a session with
/// failover at the default cadence (a checkpoint every 50 frames) and at every frame.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a type deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class CheckpointBenchmarks
{
    private readonly AudioFrame _frame = new(Enumerable.Range(0, 960).Select(i => MathF.Sin(i / 7f) * 0.5f).ToArray(), 48_000, 1, 0, TimeSpan.Zero);
    private readonly ListOutput<AudioFrame> _typed = new();
    private readonly ListOutput<object> _untyped = new();
    private EchoNode _plain = null!;
    private Node<object, object> _every50 = null!;
    private Node<object, object> _every1 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var context = new NodeContext("bench", NoLogger.Instance, CancellationToken.None);
        _plain = Echo();
        _plain.Initialize(context);
        _every50 = new CheckpointingNode<AudioFrame, AudioFrame>(Echo(), new CheckpointPolicy(50, TimeSpan.FromHours(1)));
        _every50.Initialize(context);
        _every1 = new CheckpointingNode<AudioFrame, AudioFrame>(Echo(), new CheckpointPolicy(1, TimeSpan.FromHours(1)));
        _every1.Initialize(context);
    }

    [Benchmark(Baseline = true)]
    public int EchoAlone()
    {
        _typed.Items.Clear();
        _plain.Process(_frame, _typed);
        return _typed.Items.Count;
    }

    [Benchmark]
    public int EchoCheckpointedEvery50()
    {
        _untyped.Items.Clear();
        _every50.Process(_frame, _untyped);
        return _untyped.Items.Count;
    }

    [Benchmark]
    public int EchoCheckpointedEveryFrame()
    {
        _untyped.Items.Clear();
        _every1.Process(_frame, _untyped);
        return _untyped.Items.Count;
    }

    private static EchoNode Echo() => new(TimeSpan.FromMilliseconds(250), 0.5f);
}
