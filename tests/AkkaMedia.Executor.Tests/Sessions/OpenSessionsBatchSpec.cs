using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// Session requests in batches (<see cref="OpenSessions"/>): each member is opened or refused as it would be alone, so a
/// member that fails fails only its own session and stream.
/// </summary>
public sealed class OpenSessionsBatchSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<TestExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestExecutor _executor;

    public OpenSessionsBatchSpec(TestExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_batch_must_open_its_good_member_and_refuse_each_failing_member_with_its_own_reason()
    {
        var client = CreateTestProbe();
        var replies = CreateTestProbe();
        var batch = new OpenSessions(
        [
            new OpenSession("batch-unknown", "Nope", string.Empty, RemoteTransport.MediaLink, null, client.Ref),
            new OpenSession("batch-good", "Scale", "factor = 1", RemoteTransport.MediaLink, null, client.Ref),
            new OpenSession("batch-bad-settings", "Scale", "gain = 2", RemoteTransport.MediaLink, null, client.Ref),
        ], replies.Ref);

        // Over remoting, as a client sends it.
        Sys.ActorSelection(_executor.Address + "/user/" + ExecutorActor.Name).Tell(batch);

        var opened = new List<SessionOpened>();
        var refused = new List<SessionRefused>();
        while (opened.Count + refused.Count < 3)
        {
            var answers = replies.ExpectMsg<SessionsAnswered>(Timeout);
            opened.AddRange(answers.Opened);
            refused.AddRange(answers.Refused);
        }

        var good = Assert.Single(opened);
        Assert.Equal("batch-good", good.SessionId);
        Assert.NotNull(good.LinkEndpoint);
        Assert.Equal(
            [("batch-bad-settings", RefusalReason.BadSettings), ("batch-unknown", RefusalReason.UnknownNodeType)],
            refused.Select(r => (r.SessionId, r.Reason)).OrderBy(r => r.SessionId, StringComparer.Ordinal));
        Assert.Contains("Unknown node type 'Nope'", refused.Single(r => r.SessionId == "batch-unknown").Message);
        Assert.Contains("'gain'", refused.Single(r => r.SessionId == "batch-bad-settings").Message);
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, await _executor.ActiveSessionsAsync());

        good.Session.Tell(new CloseSession(good.SessionId));
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), Timeout);
    }

    [Theory]
    [InlineData(RemoteTransport.MediaLink)]
    [InlineData(RemoteTransport.StreamRefs)]
    public async Task Streams_started_together_must_fail_only_where_their_own_session_is_refused(RemoteTransport transport)
    {
        var options = new RemoteStageOptions { Transport = transport };
        var frames = Enumerable.Range(0, 20).Select(i => TestRegistry.Frame(i)).ToList();
        var materializer = Sys.Materializer();

        // Materialized at once: their requests reach the executor together (in one batch when the batcher coalesces them).
        var good = Source.From(frames).Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", options)).RunWith(Sink.Seq<AudioFrame>(), materializer);
        var unknown = Source.From(frames).Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Nope", string.Empty, options)).RunWith(Sink.Seq<AudioFrame>(), materializer);
        var badSettings = Source.From(frames).Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "gain = 2", options)).RunWith(Sink.Seq<AudioFrame>(), materializer);

        Assert.Equal(frames.Select(f => f.Sequence), (await good.WaitAsync(Timeout)).Select(f => f.Sequence));
        Assert.Contains("Unknown node type 'Nope'", (await Assert.ThrowsAsync<RemoteStageException>(() => unknown.WaitAsync(Timeout))).Message);
        Assert.Contains("'gain'", (await Assert.ThrowsAsync<RemoteStageException>(() => badSettings.WaitAsync(Timeout))).Message);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), Timeout);
    }
}
