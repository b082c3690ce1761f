using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using BenchmarkDotNet.Attributes;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// Gain(0.5) → Echo(100 ms, 0.5) → Reframe(480) over 2,000 prebuilt 20 ms mono 48 kHz frames, run
/// (a) as an Akka.Streams graph of <see cref="NodeStage{TIn,TOut}"/>s and (b) as the same three nodes
/// called in a plain loop. Both make fresh nodes per run; times are per input frame. Target: the
/// stream at most 2× the plain loop, and 1.2× since issue 15 (not reached: docs/benchmarks.md).
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a type deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class LocalChainBenchmarks
{
    private const int FrameCount = 2000;
    private const int SamplesPerFrame = 960;

    private ActorSystem _system = null!;
    private IMaterializer _materializer = null!;
    private AudioFrame[] _frames = null!;
    private IRunnableGraph<Task> _graph = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = MediaActorSystem.Create("local-chain-bench", Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        _materializer = _system.Materializer();
        _frames = new AudioFrame[FrameCount];
        for (var f = 0; f < FrameCount; f++)
        {
            var samples = new float[SamplesPerFrame];
            for (var i = 0; i < samples.Length; i++)
            {
                var n = (f * SamplesPerFrame) + i;
                samples[i] = 0.4f * MathF.Sin(2 * MathF.PI * 220 * n / 48_000f);
            }

            _frames[f] = new AudioFrame(samples, 48_000, 1, f, TimeSpan.FromMilliseconds(20 * f));
        }

        _graph = Source.From(_frames)
            .Via(NodeFlow.Create(() => new GainNode(0.5f)))
            .Via(NodeFlow.Create(() => new EchoNode(TimeSpan.FromMilliseconds(100), 0.5f)))
            .Via(NodeFlow.Create(() => new ReframeNode(480)))
            .ToMaterialized(Sink.Ignore<AudioFrame>(), Keep.Right);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount)]
    public long PlainLoop()
    {
        using var gain = new GainNode(0.5f);
        using var echo = new EchoNode(TimeSpan.FromMilliseconds(100), 0.5f);
        using var reframe = new ReframeNode(480);
        gain.Initialize(NodeContext.Detached(gain.Name));
        echo.Initialize(NodeContext.Detached(echo.Name));
        reframe.Initialize(NodeContext.Detached(reframe.Name));
        var afterGain = new ListOutput<AudioFrame>();
        var afterEcho = new ListOutput<AudioFrame>();
        var afterReframe = new ListOutput<AudioFrame>();
        long emitted = 0;

        foreach (var frame in _frames)
        {
            gain.Process(frame, afterGain);
            emitted += Drain(afterGain, afterEcho, afterReframe, echo, reframe);
        }

        gain.Complete(afterGain);
        emitted += Drain(afterGain, afterEcho, afterReframe, echo, reframe);
        echo.Complete(afterEcho);
        emitted += Drain(afterEcho, afterReframe, reframe);
        reframe.Complete(afterReframe);
        emitted += afterReframe.Items.Count;
        return emitted;
    }

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public Task AkkaStreams() => _graph.Run(_materializer);

    private static int Drain(ListOutput<AudioFrame> afterGain, ListOutput<AudioFrame> afterEcho, ListOutput<AudioFrame> afterReframe, EchoNode echo, ReframeNode reframe)
    {
        foreach (var frame in afterGain.Items)
        {
            echo.Process(frame, afterEcho);
        }

        afterGain.Items.Clear();
        return Drain(afterEcho, afterReframe, reframe);
    }

    private static int Drain(ListOutput<AudioFrame> afterEcho, ListOutput<AudioFrame> afterReframe, ReframeNode reframe)
    {
        foreach (var frame in afterEcho.Items)
        {
            reframe.Process(frame, afterReframe);
        }

        afterEcho.Items.Clear();
        var count = afterReframe.Items.Count;
        afterReframe.Items.Clear();
        return count;
    }
}
