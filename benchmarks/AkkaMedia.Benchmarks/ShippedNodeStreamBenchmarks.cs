using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using AkkaMedia.TestKit;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// Frames per second through a remote pass-through node: the built-in <c>PassThrough</c> registered on
/// the executor (<see cref="RemoteNode.Flow{TIn,TOut}"/>) against a user-written pass-through class the
/// executor has never seen, shipped with <see cref="RemoteObject.Flow{TIn,TOut}"/>, on the same executor
/// and transport. Target: the user node within 10 % of the built-in node's frames/s.
/// </summary>
/// <remarks>
/// <para>Each invocation streams <see cref="FrameCount"/> frames of 20 ms mono 48 kHz audio (960 samples)
/// through one newly materialized remote stage and counts what comes back, so the time per operation
/// is per frame and includes opening the session (for the user node: offering its package, which the
/// executor holds after the first run, a new load context and deserializing the node).</para>
/// <para>The <c>OneFrame</c> pair streams a single frame per invocation: it prices that fixed part
/// (open, first element, close) on its own, so the per-frame cost of each node is
/// (5,000 × stream time per frame − one-frame time) / 4,999.</para>
/// <para>Executor and client are two actor systems of this process over real loopback remoting.</para>
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[MinColumn, MedianColumn, MaxColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 20)]
[InvocationCount(1)]
public class ShippedNodeStreamBenchmarks
{
    private const int FrameCount = 5_000;

    private const string UserNodeSource = """
        using AkkaMedia.Frames;
        using AkkaMedia.Nodes;

        namespace UserNodes
        {
            public sealed class UserPassThrough : Node<AudioFrame, AudioFrame>
            {
                public override void Process(AudioFrame input, INodeOutput<AudioFrame> output) => output.Emit(input);
            }
        }
        """;

    private ExecutorFixture _executor = null!;
    private ActorSystem _client = null!;
    private IMaterializer _materializer = null!;
    private IRunnableGraph<Task<int>> _builtIn = null!;
    private IRunnableGraph<Task<int>> _shipped = null!;
    private IRunnableGraph<Task<int>> _builtInOne = null!;
    private IRunnableGraph<Task<int>> _shippedOne = null!;

    /// <summary>How frames travel between client and executor.</summary>
    [Params(RemoteTransport.StreamRefs, RemoteTransport.MediaLink)]
    public RemoteTransport Transport { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _executor = new ExecutorFixture(BuiltInNodes.CreateRegistry());
        _client = _executor.CreateClient();
        _executor.WaitForExecutorAsync(_client).GetAwaiter().GetResult();
        _materializer = _client.Materializer();

        var frames = Enumerable.Range(0, FrameCount).Select(static i => ToneFrames.Frame(i)).ToArray();
        var options = new RemoteStageOptions { Transport = Transport };
        var assembly = UserAssembly.Compile("UserNodes", UserNodeSource);
        var userNode = (Node<AudioFrame, AudioFrame>)Activator.CreateInstance(assembly.GetType("UserNodes.UserPassThrough", throwOnError: true)!)!;
        _builtIn = Count(frames, RemoteNode.Flow<AudioFrame, AudioFrame>("PassThrough", null, options));
        _shipped = Count(frames, RemoteObject.Flow(userNode, options));
        _builtInOne = Count(frames[..1], RemoteNode.Flow<AudioFrame, AudioFrame>("PassThrough", null, options));
        _shippedOne = Count(frames[..1], RemoteObject.Flow(userNode, options));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Terminate().Wait(TimeSpan.FromSeconds(20));
        _executor.Dispose();
        UserAssembly.DeleteAll();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount)]
    [BenchmarkCategory("Stream")]
    public Task BuiltInNode() => RunAsync(_builtIn, FrameCount);

    [Benchmark(OperationsPerInvoke = FrameCount)]
    [BenchmarkCategory("Stream")]
    public Task UserNode() => RunAsync(_shipped, FrameCount);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("OneFrame")]
    public Task BuiltInNodeOneFrame() => RunAsync(_builtInOne, 1);

    [Benchmark]
    [BenchmarkCategory("OneFrame")]
    public Task UserNodeOneFrame() => RunAsync(_shippedOne, 1);

    private async Task RunAsync(IRunnableGraph<Task<int>> graph, int expected)
    {
        var received = await graph.Run(_materializer).ConfigureAwait(false);
        if (received != expected)
        {
            throw new InvalidOperationException($"{received} frames came back of {expected}.");
        }
    }

    private static IRunnableGraph<Task<int>> Count(AudioFrame[] frames, Flow<AudioFrame, AudioFrame, Akka.NotUsed> remote) =>
        Source.From(frames)
            .Via(remote)
            .ToMaterialized(Sink.Aggregate<AudioFrame, int>(0, static (count, _) => count + 1), Keep.Right);
}
