using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests;

public sealed class RemoteStageOverMediaLinkSpec(TestExecutor executor, ITestOutputHelper output) : RemoteStageSpec(executor, output)
{
    private readonly TestExecutor _executor = executor;

    protected override RemoteTransport Transport => RemoteTransport.MediaLink;

    [Fact]
    public async Task RemoteStage_must_not_fail_a_stage_that_heard_its_session_end_while_its_downstream_drains_slowly()
    {
        var frames = Enumerable.Range(0, 10).Select(i => TestRegistry.Frame(i)).ToList();
        var options = new RemoteStageOptions { Transport = Transport, OpenTimeout = TimeSpan.FromSeconds(1) };
        var downstream = this.CreateManualSubscriberProbe<AudioFrame>();
        Source.From(frames)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", options))
            .RunWith(Sink.FromSubscriber(downstream), Sys.Materializer());
        var subscription = await downstream.ExpectSubscriptionAsync();

        // The executor's session ends once every frame went back; the client's stage still holds them, unconsumed.
        subscription.Request(1);
        Assert.Equal(0, (await downstream.ExpectNextAsync(TimeSpan.FromSeconds(10))).Sequence);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));

        // Well past the grace the client gives a session that stopped (the open timeout), nothing has failed.
        await downstream.ExpectNoMsgAsync(TimeSpan.FromSeconds(2));
        subscription.Request(frames.Count);
        for (var i = 1; i < frames.Count; i++)
        {
            Assert.Equal(i, (await downstream.ExpectNextAsync(TimeSpan.FromSeconds(10))).Sequence);
        }

        await downstream.ExpectCompleteAsync();
    }

    [Fact]
    public async Task Frames_must_arrive_pooled_and_frames_handed_to_the_stage_must_go_back_once_written_to_the_link()
    {
        var expected = Enumerable.Range(0, 20).Select(i => TestRegistry.Frame(i)).ToList();
        var sent = new List<AudioFrame>();
        var options = new RemoteStageOptions { Transport = Transport };

        var received = await Source.From(expected)
            .Select(frame =>
            {
                var pooled = AudioFrame.Rent(frame.Samples.Length, frame.SampleRate, frame.Channels, frame.Sequence, frame.Timestamp, out var samples);
                frame.Samples.Span.CopyTo(samples);
                sent.Add(pooled);
                return pooled;
            })
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", options))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer());

        Assert.Equal(expected, received);
        Assert.All(received, frame => Assert.True(frame.IsPooled));
        Assert.All(sent, frame => Assert.Throws<ObjectDisposedException>(() => frame.Samples.ToArray()));
    }
}
