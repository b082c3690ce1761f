using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests;

/// <summary>The behaviour of remote stages, run once per transport by the derived specs.</summary>
public abstract class RemoteStageSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<TestExecutor>
{
    private readonly TestExecutor _executor;
    private readonly IMaterializer _materializer;

    protected RemoteStageSpec(TestExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        _materializer = Sys.Materializer();
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task RemoteStage_must_run_the_node_on_the_executor_and_keep_order()
    {
        var frames = Enumerable.Range(0, 200).Select(i => TestRegistry.Frame(i)).ToList();
        var results = await Source.From(frames)
            .Via(Remote("Scale", "factor = 2"))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer);

        Assert.Equal(frames.Count, results.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal(frames[i].Sequence, results[i].Sequence);
            Assert.Equal(frames[i].Samples.ToArray().Select(s => s * 2f), results[i].Samples.ToArray());
        }

        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RemoteStage_must_run_sessions_one_after_another_over_one_open_connection()
    {
        // Later sessions find the client's connection to the executor already open, so their opening
        // messages and the first credit race the start of the stages at both ends.
        for (var session = 0; session < 30; session++)
        {
            var frames = Enumerable.Range(session * 10, 3).Select(i => TestRegistry.Frame(i)).ToList();
            var results = await Source.From(frames)
                .Via(Remote("Scale", "factor = 1"))
                .RunWith(Sink.Seq<AudioFrame>(), _materializer)
                .WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(frames.Select(f => f.Sequence), results.Select(f => f.Sequence));
            await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task RemoteStage_must_refuse_an_unknown_node_type_listing_the_known_ones()
    {
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(Remote("Nope", null))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));

        Assert.Contains("Unknown node type 'Nope'", error.Message);
        Assert.Contains("Scale", error.Message);
        Assert.Contains("Failing", error.Message);
        Assert.Equal(0, await _executor.ActiveSessionsAsync());
    }

    [Fact]
    public async Task RemoteStage_must_refuse_bad_settings_naming_the_setting()
    {
        var unknown = await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(Remote("Scale", "gain = 2"))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));
        Assert.Contains("'gain'", unknown.Message);
        Assert.Contains("factor", unknown.Message);

        var outOfRange = await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(Remote("Scale", "factor = Infinity"))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));
        Assert.Contains("factor", outOfRange.Message);
    }

    [Fact]
    public async Task RemoteStage_must_carry_the_node_failure_back_to_the_client()
    {
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => Source.From(Enumerable.Range(0, 10).Select(i => TestRegistry.Frame(i)))
            .Via(Remote("Failing", "fail-at = 3"))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));

        Assert.Contains("cursed", error.Message);
        Assert.Equal(_executor.Address, error.ExecutorAddress);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RemoteStage_must_refuse_clearly_when_every_executor_is_at_capacity()
    {
        var first = this.CreatePublisherProbe<AudioFrame>();
        var second = this.CreatePublisherProbe<AudioFrame>();
        var flow = Remote("Scale", "factor = 1");
        var running1 = Source.FromPublisher(first).Via(flow).RunWith(Sink.Ignore<AudioFrame>(), _materializer);
        var running2 = Source.FromPublisher(second).Via(flow).RunWith(Sink.Ignore<AudioFrame>(), _materializer);
        await AwaitAssertAsync(async () => Assert.Equal(2, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));

        var refused = await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(flow)
            .RunWith(Sink.Ignore<AudioFrame>(), _materializer));
        Assert.Contains("at capacity", refused.Message);

        (await first.ExpectSubscriptionAsync()).SendComplete();
        (await second.ExpectSubscriptionAsync()).SendComplete();
        await running1;
        await running2;
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RemoteStage_must_close_the_session_when_downstream_cancels()
    {
        var upstream = this.CreatePublisherProbe<AudioFrame>();
        var downstream = this.CreateSubscriberProbe<AudioFrame>();
        Source.FromPublisher(upstream).Via(Remote("Scale", "factor = 3")).RunWith(Sink.FromSubscriber(downstream), _materializer);
        var subscription = await downstream.ExpectSubscriptionAsync();
        subscription.Request(1);
        await upstream.ExpectRequestAsync();
        await upstream.SendNextAsync(TestRegistry.Frame(7));
        var echoed = await downstream.ExpectNextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, echoed.Sequence);
        Assert.Equal(1, await _executor.ActiveSessionsAsync());

        subscription.Cancel();
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RemoteStage_must_fail_after_the_open_timeout_when_no_executor_has_the_role()
    {
        var options = new RemoteStageOptions { ExecutorRole = "gpu", OpenTimeout = TimeSpan.FromMilliseconds(500), Transport = Transport };
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(Remote("Scale", null, options))
            .RunWith(Sink.Ignore<AudioFrame>(), _materializer));
        Assert.Contains("No node with role 'gpu' answered", error.Message);
    }

    protected abstract RemoteTransport Transport { get; }

    private Flow<AudioFrame, AudioFrame, Akka.NotUsed> Remote(string nodeType, string? settings, RemoteStageOptions? options = null) =>
        RemoteNode.Flow<AudioFrame, AudioFrame>(nodeType, settings, options ?? new RemoteStageOptions { Transport = Transport });
}
