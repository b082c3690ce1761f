using System.Reflection;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Objects;

[Collection(UserCodeCollection.Name)]
public sealed class ShippedNodeFlowSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>
{
    private static readonly Lazy<Assembly> NodeCode = new(() => UserCode.Load("UserNodes", UserSources.DecayingGain));

    private readonly ObjectExecutor _executor;
    private readonly IMaterializer _materializer;

    public ShippedNodeFlowSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        _materializer = Sys.Materializer();
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task RemoteObject_flow_must_emit_what_the_same_node_emits_locally(RemoteTransport transport)
    {
        var frames = Enumerable.Range(0, 40).Select(i => TestRegistry.Frame(i, 480)).ToList();
        var local = await Source.From(frames).Via(NewNode().AsFlow()).RunWith(Sink.Seq<AudioFrame>(), _materializer);

        var remote = await Source.From(frames)
            .Via(RemoteObject.Flow(NewNode(), new RemoteStageOptions { Transport = transport }))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer);

        Assert.Equal(frames.Count + (frames.Count / 3), local.Count);
        Assert.Equal(local.Count, remote.Count);
        for (var i = 0; i < local.Count; i++)
        {
            Assert.Equal(local[i].Sequence, remote[i].Sequence);
            Assert.Equal(local[i].Samples.ToArray(), remote[i].Samples.ToArray());
        }

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_flow_with_failover_must_run_the_node_checkpointed_and_emit_what_it_emits_locally()
    {
        // The client keeps at most 8 inputs until a checkpoint covers them: a session that sent none would stall here.
        var frames = Enumerable.Range(0, 40).Select(i => TestRegistry.Frame(i, 480)).ToList();
        var local = await Source.From(frames).Via(NewNode().AsFlow()).RunWith(Sink.Seq<AudioFrame>(), _materializer);
        var options = new RemoteStageOptions { Transport = RemoteTransport.MediaLink, Failover = true, CheckpointEvery = 3, MaxUnacknowledged = 8 };

        var remote = await Source.From(frames)
            .Via(RemoteObject.Flow(NewNode(), options))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(local.Select(f => (f.Sequence, f.Samples.ToArray())), remote.Select(f => (f.Sequence, f.Samples.ToArray())));
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_flow_must_start_every_materialization_from_the_shipped_state()
    {
        var flow = RemoteObject.Flow(NewNode());
        var frames = Enumerable.Range(0, 5).Select(i => TestRegistry.Frame(i, 64)).ToList();

        var first = await Source.From(frames).Via(flow).RunWith(Sink.Seq<AudioFrame>(), _materializer);
        var second = await Source.From(frames).Via(flow).RunWith(Sink.Seq<AudioFrame>(), _materializer);

        Assert.Equal(first.Select(f => f.Samples.ToArray()), second.Select(f => f.Samples.ToArray()));
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_flow_must_fail_before_loading_when_the_node_uses_a_forbidden_api()
    {
        var nosy = (Node<AudioFrame, AudioFrame>)UserCode.Create(UserCode.Load("UserNosy", UserSources.NosyNode), "UserNosy.NosyNode");

        var error = await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(RemoteObject.Flow(nosy))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));

        Assert.Contains("sandbox", error.Message);
        Assert.Contains("System.Environment", error.Message);
        Assert.Contains("GetEnvironmentVariable", error.Message);
        Assert.Equal(_executor.Address, error.ExecutorAddress);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_flow_must_unload_the_node_after_the_stream_ends()
    {
        var contexts = new List<WeakReference>();
        for (var i = 0; i < 5; i++)
        {
            var upstream = Source.From(Enumerable.Range(0, 3).Select(n => TestRegistry.Frame(n, 64)))
                .Concat(Source.Maybe<AudioFrame>().MapMaterializedValue(_ => Akka.NotUsed.Instance));
            var (kill, done) = upstream
                .ViaMaterialized(KillSwitches.Single<AudioFrame>(), Keep.Right)
                .Via(RemoteObject.Flow(NewNode()))
                .ToMaterialized(Sink.Ignore<AudioFrame>(), Keep.Both)
                .Run(_materializer);
            await AwaitAssertAsync(() => Assert.Single(SessionContextNames()), TimeSpan.FromSeconds(10));
            contexts.Add(WeakContext(SessionContextNames().Single()));
            kill.Shutdown();
            await done;
            await AssertNothingLeftAsync();
        }

        Assert.Equal(0, ObjectExecutor.CollectUntilDead(contexts));
    }

    private static Node<AudioFrame, AudioFrame> NewNode() => (Node<AudioFrame, AudioFrame>)UserCode.Create(NodeCode.Value, "UserNodes.DecayingGain", 0.5f);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<string> SessionContextNames() =>
        System.Runtime.Loader.AssemblyLoadContext.All
            .Where(static c => c.Name?.StartsWith("akka-media-session-", StringComparison.Ordinal) == true && c.Assemblies.Any())
            .Select(static c => c.Name!)
            .ToList();

    private static WeakReference WeakContext(string name) => ObjectExecutor.ContextOf(name["akka-media-session-".Length..]);

    private async Task AssertNothingLeftAsync() =>
        await AwaitAssertAsync(
            async () =>
            {
                Assert.Equal(0, await _executor.ActiveSessionsAsync());
                Assert.Equal(0, ObjectExecutor.LiveContexts);
            },
            TimeSpan.FromSeconds(15));
}
