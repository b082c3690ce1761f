using Akka.Actor;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.Remote.Placement;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Remote.Placement;

/// <summary>
/// The placement of one session, fed by hand what its actor would hand it (the test actor stands in for that
/// actor): which executor is tried next, when it gives up, and what its errors say.
/// </summary>
public sealed class ExecutorPlacementSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string A = "akka.tcp://media@a:4053";
    private const string B = "akka.tcp://media@b:4053";
    private const string C = "akka.tcp://media@c:4053";
    private const string D = "akka.tcp://media@d:4053";

    public ExecutorPlacementSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
    }

    [Theory]
    [InlineData(RefusalReason.AtCapacity)]
    [InlineData(RefusalReason.ShuttingDown)]
    [InlineData(RefusalReason.RateLimited)]
    public void An_executor_at_capacity_shutting_down_or_refusing_the_rate_must_be_followed_by_the_next_candidate_in_order(RefusalReason reason)
    {
        var placement = Create();

        Assert.Equal(A, placement.Start(Found(A, B, C)).Executor);
        var second = placement.Refused(new SessionRefused("s1", reason, "Executor a cannot take it."));
        var third = placement.Refused(new SessionRefused("s1", reason, "Executor b cannot take it."));

        Assert.Equal((B, null), (second.Executor, second.Error));
        Assert.Equal((C, null), (third.Executor, third.Error));
        Assert.Equal((C, 3), (placement.Executor, placement.Attempts));
    }

    [Theory]
    [InlineData(RefusalReason.UnknownNodeType)]
    [InlineData(RefusalReason.BadSettings)]
    [InlineData(RefusalReason.TransportUnavailable)]
    [InlineData(RefusalReason.CodeRejected)]
    public void Any_other_refusal_must_fail_at_once_with_the_executors_message(RefusalReason reason)
    {
        var placement = Create();
        placement.Start(Found(A, B));

        var step = placement.Refused(new SessionRefused("s1", reason, "'gain' is not a setting of Scale."));

        Assert.Null(step.Executor);
        var error = Assert.IsType<RemoteStageException>(step.Error);
        Assert.Equal("'gain' is not a setting of Scale.", error.Message);
        Assert.Equal(A, error.ExecutorAddress);
        Assert.Equal(1, placement.Attempts);
        Assert.False(placement.IsCurrent(A));
    }

    [Fact]
    public void When_every_executor_refused_the_error_must_list_each_executor_with_its_reason()
    {
        var placement = Create();
        placement.Start(Found(A, B, C, D));

        placement.Refused(new SessionRefused("s1", RefusalReason.AtCapacity, "Executor a is at capacity (4/4 sessions)."));
        placement.NotPrepared(B, new AggregateException(new ActorNotFoundException()));
        placement.TimedOut(new ExecutorPlacement.AttemptTimedOut(C, TimeSpan.FromSeconds(5)));
        var step = placement.Refused(new SessionRefused("s1", RefusalReason.ShuttingDown, "Executor d is draining."));

        Assert.Null(step.Executor);
        var error = Assert.IsType<RemoteStageException>(step.Error);
        Assert.Equal(
            $"Every executor refused remote stage 'Gain': {A}: Executor a is at capacity (4/4 sessions); {B}: no executor answered; " +
            $"{C}: no answer within 5 s; {D}: Executor d is draining. Add executors or raise akka-media.executor.max-sessions.",
            error.Message);
        Assert.Equal(D, error.ExecutorAddress);
    }

    [Fact]
    public void When_every_executor_refused_the_rate_the_error_must_name_the_rate_key_and_no_executor_is_tried_twice()
    {
        const string Refusal = "Executor a refused the session: client c opens sessions faster than akka-media.executor.max-session-opens-per-second = 2 " +
            "(at most 2 at once, then 2 per second). Open them more slowly or raise the limit.";
        var placement = Create();
        placement.Start(Found(A, B));

        Assert.Equal(B, placement.Refused(new SessionRefused("s1", RefusalReason.RateLimited, Refusal)).Executor);
        var step = placement.Refused(new SessionRefused("s1", RefusalReason.RateLimited, Refusal));

        Assert.Null(step.Executor);
        var error = Assert.IsType<RemoteStageException>(step.Error);
        Assert.StartsWith($"Every executor refused remote stage 'Gain': {A}: {Refusal.TrimEnd('.')}; {B}: ", error.Message);
        Assert.EndsWith("Open sessions more slowly, add executors or raise akka-media.executor.max-session-opens-per-second.", error.Message);
        Assert.Equal(2, placement.Attempts);
        Assert.False(placement.IsCurrent(B));
    }

    [Fact]
    public void An_error_preparing_an_executor_other_than_not_finding_it_must_fail_at_once_with_that_error()
    {
        var placement = Create();
        placement.Start(Found(A, B));
        var rejected = new RemoteStageException($"Executor {A} rejected the code of node 'Gain': sandbox.", A);

        var step = placement.NotPrepared(A, rejected);

        Assert.Null(step.Executor);
        Assert.Same(rejected, step.Error);
        Assert.Equal(1, placement.Attempts);
    }

    [Fact]
    public void An_explicit_executor_must_be_the_only_candidate_and_the_directory_must_not_be_asked()
    {
        var placement = Create(executor: A);

        placement.FindCandidates();

        var found = ExpectMsg<ExecutorPlacement.Candidates>();
        Assert.Equal([A], found.Items.Select(e => e.Address));
        Assert.False(found.Reserved);
        Assert.False(Sys.HasExtension<ExecutorDirectory>());
        Assert.Equal(A, placement.Start(found).Executor);
    }

    [Fact]
    public void Without_an_explicit_executor_the_candidates_must_come_reserved_from_the_directory()
    {
        var placement = Create(openTimeout: TimeSpan.FromMilliseconds(300));

        placement.FindCandidates();

        // A system outside any cluster has no executor: the directory answers an empty list once the wait is over.
        var found = ExpectMsg<ExecutorPlacement.Candidates>(TimeSpan.FromSeconds(10));
        Assert.Empty(found.Items);
        Assert.True(found.Reserved);
        Assert.True(Sys.HasExtension<ExecutorDirectory>());
        var error = Assert.IsType<RemoteStageException>(placement.Start(found).Error);
        Assert.StartsWith("No node with role 'executor' answered within 0.3 s, so remote stage 'Gain' cannot start.", error.Message);
    }

    [Fact]
    public void An_executor_that_does_not_answer_in_time_must_be_followed_by_the_next_and_its_late_timeout_ignored()
    {
        var placement = Create();
        placement.Start(Found(A, B));

        placement.AwaitAnswer(TimeSpan.FromMilliseconds(100));
        var timedOut = ExpectMsg<ExecutorPlacement.AttemptTimedOut>();

        Assert.Equal(A, timedOut.Executor);
        Assert.Equal(B, placement.TimedOut(timedOut).Executor);
        Assert.Equal(PlacementStep.None, placement.TimedOut(timedOut));
        Assert.Equal(PlacementStep.None, placement.NotPrepared(A, new ActorNotFoundException()));
    }

    [Fact]
    public void A_placed_session_must_stop_the_attempt_timeout_and_make_every_later_answer_stale()
    {
        var placement = Create();
        placement.Start(Found(A, B));
        placement.AwaitAnswer(TimeSpan.FromMilliseconds(200));

        placement.Placed();

        ExpectNoMsg(TimeSpan.FromMilliseconds(600));
        Assert.Equal(PlacementStep.None, placement.TimedOut(new ExecutorPlacement.AttemptTimedOut(A, TimeSpan.FromMilliseconds(200))));
        Assert.Equal(PlacementStep.None, placement.Refused(new SessionRefused("s1", RefusalReason.AtCapacity, "Executor a is at capacity.")));
        Assert.Equal((A, 1), (placement.Executor, placement.Attempts));
    }

    [Fact]
    public void An_executor_that_refused_this_nodes_rate_must_not_be_asked_again_by_any_placement_until_the_backoff_has_passed()
    {
        var now = 0L;
        ExecutorDirectory.Get(Sys).Now = () => now;
        var first = Create();
        first.Start(Found(A, B));
        Assert.Equal(B, first.Refused(new SessionRefused("s1", RefusalReason.RateLimited, "Executor a refused: too fast.")).Executor);

        // Another placement a moment later goes straight to B: A is recorded as refusing, no request is sent to it.
        var second = Create();
        Assert.Equal(B, second.Start(Found(A, B)).Executor);
        Assert.Equal(1, second.Attempts);

        // With A the only executor, the placement fails at once, saying why and what to do.
        var third = Create();
        var step = third.Start(Found(A));
        Assert.Null(step.Executor);
        var error = Assert.IsType<RemoteStageException>(step.Error);
        Assert.Contains($"{A}: refused this client's session opens as too fast moments ago (not asked again for 100 ms", error.Message);
        Assert.EndsWith("Open sessions more slowly, add executors or raise akka-media.executor.max-session-opens-per-second.", error.Message);
        Assert.Equal(0, third.Attempts);

        // Once the backoff has passed, A is asked again.
        now += (long)(ExecutorDirectory.RateLimitBackoff.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var fourth = Create();
        Assert.Equal(A, fourth.Start(Found(A, B)).Executor);
    }

    [Fact]
    public void A_refusal_at_capacity_must_not_keep_later_placements_from_the_executor()
    {
        var first = Create();
        first.Start(Found(A, B));
        Assert.Equal(B, first.Refused(new SessionRefused("s1", RefusalReason.AtCapacity, "Executor a is full.")).Executor);

        Assert.Equal(A, Create().Start(Found(A, B)).Executor);
    }

    private ExecutorPlacement Create(string? executor = null, TimeSpan? openTimeout = null) =>
        new(Sys, TestActor, "remote stage 'Gain'", "executor", openTimeout ?? TimeSpan.FromSeconds(5), executor, span: null,
            static (message, address) => new RemoteStageException(message, address));

    private static ExecutorPlacement.Candidates Found(params string[] addresses) =>
        new(addresses.Select(a => new ExecutorInfo(a, "executor", 0, 4)).ToList(), Reserved: true);
}
