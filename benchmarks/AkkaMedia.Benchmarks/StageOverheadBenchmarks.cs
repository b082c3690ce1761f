using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Nodes;
using BenchmarkDotNet.Attributes;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// What a <see cref="NodeStage{TIn,TOut}"/> costs per element compared with Akka.Streams' own
/// <c>Select</c>: three pass-through stages over 100,000 integers each way, times per element.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a type deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class StageOverheadBenchmarks
{
    private const int ElementCount = 100_000;

    private ActorSystem _system = null!;
    private IMaterializer _materializer = null!;
    private IRunnableGraph<Task> _viaSelect = null!;
    private IRunnableGraph<Task> _viaNodes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("stage-overhead-bench", "akka.loglevel = WARNING");
        _materializer = _system.Materializer();
        var elements = Enumerable.Range(0, ElementCount).ToArray();
        _viaSelect = Source.From(elements)
            .Select(static x => x)
            .Select(static x => x)
            .Select(static x => x)
            .ToMaterialized(Sink.Ignore<int>(), Keep.Right);
        _viaNodes = Source.From(elements)
            .Via(NodeFlow.Create(static () => new PassThroughNode()))
            .Via(NodeFlow.Create(static () => new PassThroughNode()))
            .Via(NodeFlow.Create(static () => new PassThroughNode()))
            .ToMaterialized(Sink.Ignore<int>(), Keep.Right);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Baseline = true, OperationsPerInvoke = ElementCount)]
    public Task ThreeSelectStages() => _viaSelect.Run(_materializer);

    [Benchmark(OperationsPerInvoke = ElementCount)]
    public Task ThreeNodeStages() => _viaNodes.Run(_materializer);
}
