using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>A session actor that throws is stopped by its executor, never restarted: a session runs once.</summary>
public sealed class SessionSupervisionSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<TestExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestExecutor _executor;

    public SessionSupervisionSpec(TestExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task A_session_actor_that_throws_must_be_stopped_not_run_again_and_its_client_stage_must_fail(RemoteTransport transport)
    {
        var (queue, done) = Source.Queue<AudioFrame>(8, OverflowStrategy.Backpressure)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", new RemoteStageOptions { Transport = transport }))
            .ToMaterialized(Sink.Ignore<AudioFrame>(), Keep.Both)
            .Run(Sys.Materializer());
        await queue.OfferAsync(TestRegistry.Frame(0));
        SessionSummary session = null!;
        await AwaitAssertAsync(async () =>
        {
            session = Assert.Single(await _executor.Executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, Timeout));
            Assert.Equal(1, session.FramesOut);
        }, Timeout);
        var actor = await _executor.System.ActorSelection(_executor.Executor.Path / session.SessionId).ResolveOne(Timeout);
        Watch(actor);

        // A ready transport with no answer to send: telling the client a null message throws inside the actor.
        actor.Tell(new SessionTransportReady(null!));

        ExpectTerminated(actor, Timeout);
        await Assert.ThrowsAsync<RemoteStageException>(() => done.WaitAsync(Timeout));
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), Timeout);
    }
}
