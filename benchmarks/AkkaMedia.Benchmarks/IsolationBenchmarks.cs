using Akka.Actor;
using Akka.Configuration;
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
/// What process isolation costs (<c>akka-media.executor.isolation = process</c>: shipped code in a sandboxed worker
/// process per session) against running shipped code in the executor's process, on the same executor setup and in
/// the same run: a deploy round trip, one call on a deployed object, and frames per second through a shipped
/// streaming node. Targets (issue 18): the streaming node at least 50 % of its in-process frames/s, a call at most
/// twice its in-process latency.
/// </summary>
/// <remarks>
/// <para>Executor and client are two actor systems of this process over real loopback remoting; calls and frames use
/// the media link. Under <c>process</c> the executor's workers run under bubblewrap with their cgroup limits, as
/// <c>akkamedia node --isolation process</c> runs them; the warm pool (<c>akka-media.executor.workers.warm</c>) is
/// on, so a deploy takes a started worker rather than paying for a process start.</para>
/// <para><see cref="Deploy"/> is deploy + one call + dispose of a small object whose package the executor already
/// holds. <see cref="Call"/> is one call on an object deployed at setup. <see cref="Stream"/> streams
/// <see cref="FrameCount"/> frames of 20 ms audio through a newly opened session of a shipped pass-through node, so
/// the time per frame includes a share of opening it; <see cref="StreamOneFrame"/> streams one frame, pricing that
/// fixed part on its own, and <see cref="StreamLong"/> streams 50,000: the cost of a frame once the session is open is
/// (50,000 × <see cref="StreamLong"/> − 5,000 × <see cref="Stream"/>) / 45,000, which a worker's start does not blur.
/// Iterations follow each other faster than workers start, so under <c>process</c> most opens wait for a new worker
/// (the warm pool is soon empty): <see cref="Deploy"/> and <see cref="StreamOneFrame"/> show that sustained rate.</para>
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MinColumn, MedianColumn, MaxColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 20)]
public class IsolationBenchmarks
{
    private const int FrameCount = 5_000;
    private const int LongFrameCount = 50_000;
    private const int Argument = 1_000;

    private const string UserSource = """
        using System.Threading.Tasks;
        using AkkaMedia.Frames;
        using AkkaMedia.Nodes;

        namespace UserIsolation
        {
            public interface IPing
            {
                Task<int> PingAsync(int x);
            }

            public sealed class Ping : IPing
            {
                public Task<int> PingAsync(int x) => Task.FromResult(x + 1);
            }

            public sealed class UserPassThrough : Node<AudioFrame, AudioFrame>
            {
                public override void Process(AudioFrame input, INodeOutput<AudioFrame> output) => output.Emit(input);
            }
        }
        """;

    private ExecutorFixture _executor = null!;
    private ActorSystem _client = null!;
    private IMaterializer _materializer = null!;
    private DeployRoundTrip _roundTrip = null!;
    private DeployedPing _deployed = null!;
    private IRunnableGraph<Task<int>> _stream = null!;
    private IRunnableGraph<Task<int>> _streamOne = null!;
    private IRunnableGraph<Task<int>> _streamLong = null!;

    /// <summary>Where the executor runs shipped code: <c>in-process</c> or <c>process</c>.</summary>
    [Params("in-process", "process")]
    public string Isolation { get; set; } = "in-process";

    [GlobalSetup]
    public void Setup()
    {
        _executor = new ExecutorFixture(BuiltInNodes.CreateRegistry(), ConfigurationFactory.ParseString($"akka-media.executor.isolation = {Isolation}"));
        _client = _executor.CreateClient(ConfigurationFactory.ParseString("akka-media.remote.transport = link"));
        _executor.WaitForExecutorAsync(_client).GetAwaiter().GetResult();
        _materializer = _client.Materializer();

        var assembly = UserAssembly.Compile("UserIsolation", UserSource);
        var ping = Activator.CreateInstance(assembly.GetType("UserIsolation.Ping", throwOnError: true)!)!;
        _roundTrip = DeployRoundTrip.For(ping, "UserIsolation.IPing");
        Check(_roundTrip.RunAsync(_client, Argument).GetAwaiter().GetResult());
        _deployed = DeployedPing.Deploy(_client, ping, "UserIsolation.IPing");

        var node = (Node<AudioFrame, AudioFrame>)Activator.CreateInstance(assembly.GetType("UserIsolation.UserPassThrough", throwOnError: true)!)!;
        var frames = Enumerable.Range(0, LongFrameCount).Select(static i => ToneFrames.Frame(i)).ToArray();
        _stream = Count(frames[..FrameCount], node);
        _streamLong = Count(frames, node);
        _streamOne = Count(frames[..1], node);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _deployed.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(20));
        _client.Terminate().Wait(TimeSpan.FromSeconds(20));
        _executor.Dispose();
        UserAssembly.DeleteAll();
    }

    [Benchmark]
    [BenchmarkCategory("Deploy")]
    public async Task Deploy() => Check(await _roundTrip.RunAsync(_client, Argument).ConfigureAwait(false));

    [Benchmark]
    [BenchmarkCategory("Call")]
    public async Task Call() => Check(await _deployed.PingAsync(Argument).ConfigureAwait(false));

    [Benchmark(OperationsPerInvoke = FrameCount)]
    [BenchmarkCategory("Stream")]
    public Task Stream() => RunAsync(_stream, FrameCount);

    [Benchmark(OperationsPerInvoke = LongFrameCount)]
    [BenchmarkCategory("StreamLong")]
    public Task StreamLong() => RunAsync(_streamLong, LongFrameCount);

    [Benchmark]
    [BenchmarkCategory("StreamOneFrame")]
    public Task StreamOneFrame() => RunAsync(_streamOne, 1);

    private static IRunnableGraph<Task<int>> Count(AudioFrame[] frames, Node<AudioFrame, AudioFrame> node) =>
        Source.From(frames)
            .Via(RemoteObject.Flow(node, new RemoteStageOptions { Transport = RemoteTransport.MediaLink }))
            .ToMaterialized(Sink.Aggregate<AudioFrame, int>(0, static (count, _) => count + 1), Keep.Right);

    private async Task RunAsync(IRunnableGraph<Task<int>> graph, int expected)
    {
        var received = await graph.Run(_materializer).ConfigureAwait(false);
        if (received != expected)
        {
            throw new InvalidOperationException($"{received} frames came back of {expected}.");
        }
    }

    private static void Check(int result)
    {
        if (result != Argument + 1)
        {
            throw new InvalidOperationException($"The remote object returned {result}, not {Argument + 1}.");
        }
    }
}
