using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Diagnostics;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Metrics;

/// <summary>
/// The executor's and the client's instruments after real remote streams. Each spec reads deltas on meters scoped to
/// this class's executor and this spec's client system, so specs elsewhere in the process do not disturb them.
/// </summary>
public sealed class ExecutorMetricsSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<MetricsExecutor>
{
    private const string Executor = AkkaMediaTelemetry.ExecutorMeterName;
    private const string Client = AkkaMediaTelemetry.RemoteMeterName;

    private readonly MetricsExecutor _executor;
    private readonly IMaterializer _materializer;
    private readonly MetricsRecorder _metrics;

    public ExecutorMetricsSpec(MetricsExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        _materializer = Sys.Materializer();
        _metrics = new MetricsRecorder(executor.System, Sys);
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(RemoteTransport.MediaLink, "link")]
    [InlineData(RemoteTransport.StreamRefs, "streamrefs")]
    public async Task Executor_must_count_the_frames_and_payload_bytes_of_a_stream_under_its_node_type(RemoteTransport transport, string transportTag)
    {
        var frames = Enumerable.Range(0, 37).Select(i => TestRegistry.Frame(i, samples: 480 + (i * 8))).ToList();
        var payload = frames.Sum(f => f.Samples.Length * 4L);
        var scale = new[] { ("kind", "node"), ("node_type", "Scale") };
        var before = Snapshot(scale);
        var startedBefore = _metrics.Value(Executor, "sessions.started", ("kind", "node"), ("node_type", "Scale"), ("transport", transportTag));

        var results = await Source.From(frames)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 2", new RemoteStageOptions { Transport = transport }))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer);
        Assert.Equal(frames.Count, results.Count);

        await AwaitAssertAsync(() =>
        {
            var after = Snapshot(scale);
            Assert.Equal(frames.Count, after.FramesIn - before.FramesIn);
            Assert.Equal(frames.Count, after.FramesOut - before.FramesOut);
            Assert.Equal(payload, after.BytesIn - before.BytesIn);
            Assert.Equal(payload, after.BytesOut - before.BytesOut);
            Assert.Equal(0, _metrics.Value(Executor, "sessions.active", scale));
        }, TimeSpan.FromSeconds(10));
        Assert.Equal(1, _metrics.Value(Executor, "sessions.started", ("kind", "node"), ("node_type", "Scale"), ("transport", transportTag)) - startedBefore);

        // The client system is this spec's own: its totals are this stream's.
        Assert.Equal(frames.Count, _metrics.Value(Client, "frames.sent", ("node_type", "Scale")));
        Assert.Equal(frames.Count, _metrics.Value(Client, "frames.received", ("node_type", "Scale")));
        Assert.Equal(payload, _metrics.Value(Client, "bytes.sent", ("node_type", "Scale")));
        Assert.Equal(payload, _metrics.Value(Client, "bytes.received", ("node_type", "Scale")));
        var roundTrips = _metrics.Values(Client, "round_trip", ("node_type", "Scale"));
        var sampled = (frames.Count + RemoteMetrics.RoundTripSampling - 1) / RemoteMetrics.RoundTripSampling; // frames 0, 16, 32
        Assert.Equal(sampled, roundTrips.Count);
        Assert.All(roundTrips, milliseconds => Assert.InRange(milliseconds, double.Epsilon, 10_000));
        await this.AssertAllStagesStoppedAsync(() => Task.CompletedTask, _materializer);
    }

    [Fact]
    public async Task Executor_must_keep_a_running_session_active_and_count_its_frames_as_they_pass()
    {
        var scale = new[] { ("kind", "node"), ("node_type", "Scale") };
        var activeBefore = _metrics.Value(Executor, "sessions.active", scale);
        var before = Snapshot(scale);
        var input = this.CreatePublisherProbe<AudioFrame>();
        var output = Source.FromPublisher(input)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1"))
            .RunWith(this.SinkProbe<AudioFrame>(), _materializer);
        var subscription = await input.ExpectSubscriptionAsync();
        output.Request(3);
        var pending = 0L;
        for (var i = 0; i < 3; i++)
        {
            if (pending == 0)
            {
                pending = await subscription.ExpectRequestAsync();
            }

            subscription.SendNext(TestRegistry.Frame(i, samples: 100));
            pending--;
        }

        Assert.Equal([0L, 1, 2], (await output.ExpectNextNAsync(3).ToListAsync()).Select(f => f.Sequence));

        Assert.Equal(activeBefore + 1, _metrics.Value(Executor, "sessions.active", scale));
        var during = Snapshot(scale);
        Assert.Equal(3, during.FramesIn - before.FramesIn);
        Assert.Equal(3 * 100 * 4, during.BytesIn - before.BytesIn);

        subscription.SendComplete();
        await output.ExpectCompleteAsync();
        await AwaitAssertAsync(() => Assert.Equal(activeBefore, _metrics.Value(Executor, "sessions.active", scale)), TimeSpan.FromSeconds(10));
        Assert.Equal(during.FramesIn, Snapshot(scale).FramesIn);
    }

    [Fact]
    public async Task Executor_must_count_a_failing_node_as_a_node_failure()
    {
        var before = _metrics.Value(Executor, "errors", ("kind", "node_failure"));
        var lostBefore = _metrics.Value(Executor, "errors", ("kind", "session_lost"));

        await Assert.ThrowsAsync<RemoteStageException>(() => Source.From(Enumerable.Range(0, 10).Select(i => TestRegistry.Frame(i)))
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Failing", "fail-at = 3"))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));

        await AwaitAssertAsync(() => Assert.Equal(1, _metrics.Value(Executor, "errors", ("kind", "node_failure")) - before), TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
        Assert.Equal(lostBefore, _metrics.Value(Executor, "errors", ("kind", "session_lost")));
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Executor_must_count_a_failure_that_comes_from_the_client_as_a_lost_session_not_a_node_failure(RemoteTransport transport)
    {
        var before = _metrics.Value(Executor, "errors", ("kind", "node_failure"));
        var lostBefore = _metrics.Value(Executor, "errors", ("kind", "session_lost"));
        var sentBefore = _metrics.Value(Executor, "frames.sent", ("node_type", "Scale"));

        var (queue, done) = Source.Queue<AudioFrame>(8, OverflowStrategy.Backpressure)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", new RemoteStageOptions { Transport = transport }))
            .ToMaterialized(Sink.Ignore<AudioFrame>(), Keep.Both)
            .Run(_materializer);
        await queue.OfferAsync(TestRegistry.Frame(0));
        await AwaitAssertAsync(() => Assert.True(_metrics.Value(Executor, "frames.sent", ("node_type", "Scale")) > sentBefore), TimeSpan.FromSeconds(10));

        // The client's own source fails while the session runs: the failure enters the session from the client's side.
        queue.Fail(new InvalidOperationException("the microphone went away"));
        await Assert.ThrowsAnyAsync<Exception>(() => done.WaitAsync(TimeSpan.FromSeconds(10)));

        await AwaitAssertAsync(() => Assert.Equal(1, _metrics.Value(Executor, "errors", ("kind", "session_lost")) - lostBefore), TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
        Assert.Equal(before, _metrics.Value(Executor, "errors", ("kind", "node_failure")));
    }

    [Fact]
    public async Task Executor_must_count_a_refused_session_as_a_refusal_error_with_its_reason()
    {
        var errors = _metrics.Value(Executor, "errors", ("kind", "refused"));
        var unknown = _metrics.Value(Executor, "sessions.refused", ("reason", "unknown_node_type"));
        var badSettings = _metrics.Value(Executor, "sessions.refused", ("reason", "bad_settings"));

        await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Nope"))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));
        await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)])
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "gain = 2"))
            .RunWith(Sink.Seq<AudioFrame>(), _materializer));

        Assert.Equal(2, _metrics.Value(Executor, "errors", ("kind", "refused")) - errors);
        Assert.Equal(1, _metrics.Value(Executor, "sessions.refused", ("reason", "unknown_node_type")) - unknown);
        Assert.Equal(1, _metrics.Value(Executor, "sessions.refused", ("reason", "bad_settings")) - badSettings);
    }

    [Fact]
    public async Task Executor_must_count_a_session_refused_at_capacity()
    {
        var atCapacity = _metrics.Value(Executor, "sessions.refused", ("reason", "at_capacity"));
        var first = this.CreatePublisherProbe<AudioFrame>();
        var second = this.CreatePublisherProbe<AudioFrame>();
        var flow = RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1");
        var running1 = Source.FromPublisher(first).Via(flow).RunWith(Sink.Ignore<AudioFrame>(), _materializer);
        var running2 = Source.FromPublisher(second).Via(flow).RunWith(Sink.Ignore<AudioFrame>(), _materializer);
        await AwaitAssertAsync(async () => Assert.Equal(2, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
        Assert.Equal(2, _metrics.Value(Executor, "sessions.active", ("kind", "node"), ("node_type", "Scale")));

        await Assert.ThrowsAsync<RemoteStageException>(() => Source.From([TestRegistry.Frame(0)]).Via(flow).RunWith(Sink.Ignore<AudioFrame>(), _materializer));
        Assert.Equal(1, _metrics.Value(Executor, "sessions.refused", ("reason", "at_capacity")) - atCapacity);

        (await first.ExpectSubscriptionAsync()).SendComplete();
        (await second.ExpectSubscriptionAsync()).SendComplete();
        await running1;
        await running2;
        await AwaitAssertAsync(() => Assert.Equal(0, _metrics.Value(Executor, "sessions.active", ("kind", "node"), ("node_type", "Scale"))), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Every_instrument_must_carry_a_unit_and_a_description()
    {
        _ = RemoteMetrics.Get(Sys);
        var instruments = _metrics.Instruments;

        Assert.Contains(instruments, i => i.Meter.Name == Executor && i.Name == "frames.received");
        Assert.Contains(instruments, i => i.Meter.Name == Client && i.Name == "round_trip");
        Assert.All(instruments, i =>
        {
            Assert.False(string.IsNullOrWhiteSpace(i.Unit), i.Name);
            Assert.False(string.IsNullOrWhiteSpace(i.Description), i.Name);
        });
    }

    protected override void AfterAll()
    {
        _metrics.Dispose();
        base.AfterAll();
    }

    private Totals Snapshot((string, string)[] tags) => new(
        (long)_metrics.Value(Executor, "frames.received", tags),
        (long)_metrics.Value(Executor, "frames.sent", tags),
        (long)_metrics.Value(Executor, "bytes.received", tags),
        (long)_metrics.Value(Executor, "bytes.sent", tags));

    private sealed record Totals(long FramesIn, long FramesOut, long BytesIn, long BytesOut);
}
