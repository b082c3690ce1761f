using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.TestKit;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Operations;

/// <summary>
/// <see cref="ExecutorActor.Drain"/>: a draining executor refuses new sessions saying so, lets running sessions finish,
/// and fails those still running at the drain timeout with a message naming itself and the timeout. Each spec drains an
/// executor of its own (a drained executor never accepts again).
/// </summary>
public sealed class ExecutorDrainSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly ExecutorFixture _executor;

    public ExecutorDrainSpec(ITestOutputHelper output)
        : this(new ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("akka-media.executor.max-sessions = 4")), output)
    {
    }

    private ExecutorDrainSpec(ExecutorFixture executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Drain_must_refuse_new_sessions_as_draining_and_let_a_running_session_finish_with_all_its_frames(RemoteTransport transport)
    {
        var (queue, done) = RunScale(transport);
        await queue.OfferAsync(TestRegistry.Frame(0));
        await AwaitAssertAsync(async () => Assert.Equal(1, await _executor.ActiveSessionsAsync()), Timeout);

        var drained = _executor.Executor.Ask<ExecutorActor.Drained>(new ExecutorActor.Drain(TimeSpan.FromMinutes(5)), Timeout + Timeout);
        await AwaitAssertAsync(async () => Assert.False((await StatusAsync()).Accepting), Timeout);

        var client = CreateTestProbe();
        _executor.Executor.Tell(new OpenSession("late-session", "Scale", "factor = 2", RemoteTransport.MediaLink, null, client.Ref), client.Ref);
        var refused = await client.ExpectMsgAsync<SessionRefused>(Timeout);
        Assert.Equal(RefusalReason.ShuttingDown, refused.Reason);
        Assert.Contains($"Executor {_executor.Address} is draining", refused.Message);
        Assert.False(drained.IsCompleted, "the drain must wait for the running session");

        for (var i = 1; i < 5; i++)
        {
            await queue.OfferAsync(TestRegistry.Frame(i));
        }

        queue.Complete();
        var frames = await done.WaitAsync(Timeout);

        Assert.Equal([0L, 1, 2, 3, 4], frames.Select(f => f.Sequence));
        Assert.Equal(new ExecutorActor.Drained(Finished: 1, Failed: 0), await drained.WaitAsync(Timeout));
        Assert.Equal(0, (await StatusAsync()).ActiveSessions);
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Drain_must_fail_a_session_still_running_at_the_timeout_naming_the_executor_and_the_timeout(RemoteTransport transport)
    {
        var (queue, done) = RunScale(transport);
        await queue.OfferAsync(TestRegistry.Frame(0));
        await AwaitAssertAsync(async () => Assert.Equal(1, await _executor.ActiveSessionsAsync()), Timeout);

        var drained = await _executor.Executor.Ask<ExecutorActor.Drained>(new ExecutorActor.Drain(TimeSpan.FromMilliseconds(250)), Timeout);

        Assert.Equal(new ExecutorActor.Drained(Finished: 0, Failed: 1), drained);
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => done.WaitAsync(Timeout));
        Assert.Contains($"Executor {_executor.Address} is shutting down: the drain timeout of 0.25 s elapsed", error.Message);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), Timeout);
    }

    [Fact]
    public async Task Drain_of_an_idle_executor_must_answer_at_once_and_leave_it_not_accepting()
    {
        var drained = await _executor.Executor.Ask<ExecutorActor.Drained>(new ExecutorActor.Drain(TimeSpan.FromMinutes(5)), Timeout);

        Assert.Equal(new ExecutorActor.Drained(0, 0), drained);
        Assert.False((await StatusAsync()).Accepting);
    }

    [Fact]
    public void Drain_must_reject_a_negative_timeout()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorActor.Drain(TimeSpan.FromSeconds(-1)));

        Assert.Equal("Timeout", error.ParamName);
    }

    [Fact]
    public void ExecutorSettings_must_read_the_drain_timeout_with_30_s_by_default_and_0_allowed()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ExecutorSettings.Create(ExecutorSettings.DefaultConfig).DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), ExecutorSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.drain-timeout = 2s")).DrainTimeout);
        Assert.Equal(TimeSpan.Zero, ExecutorSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.drain-timeout = 0s")).DrainTimeout);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _executor.Dispose();
        }
    }

    private (ISourceQueueWithComplete<AudioFrame> Queue, Task<IImmutableList<AudioFrame>> Done) RunScale(RemoteTransport transport) =>
        Source.Queue<AudioFrame>(8, OverflowStrategy.Backpressure)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", new RemoteStageOptions { Transport = transport }))
            .ToMaterialized(Sink.Seq<AudioFrame>(), Keep.Both)
            .Run(Sys.Materializer());

    private Task<ExecutorStatus> StatusAsync() => _executor.Executor.Ask<ExecutorStatus>(GetExecutorStatus.Instance, Timeout);
}
