using System.Diagnostics;
using Akka.Actor;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote.Placement;

/// <summary>
/// Where one session goes, for a remote stage or a remote object: finds the candidates (the executor an option
/// names, or the executors of the role as the <see cref="ExecutorDirectory"/> reserves them, least loaded first),
/// tries them in that order, records every refusal, decides after each answer whether to try the next executor or
/// to give up, words the errors, and keeps the directory's count of sessions right once the session is placed.
/// </summary>
/// <remarks>
/// <para>Messages in, decisions out. It lives inside the actor that opens the session and is only called on that
/// actor's thread: the actor hands it what arrived and does what the returned <see cref="PlacementStep"/> says
/// (prepare and send its own open request to the executor, or fail). What it starts itself, the directory's answer
/// and the attempt timeout, comes back to the actor as messages (<see cref="Candidates"/> or
/// <see cref="Status.Failure"/>, <see cref="AttemptTimedOut"/>) for the actor to hand back in.</para>
/// <para>Retry or fail: an executor at capacity, shutting down or refusing this client's rate of opens, one that
/// cannot be found or does not answer in time, is recorded and the next one is tried (each candidate once: no retry
/// loop); any other refusal or error fails the placement at once. An executor that refused this node's rate of opens
/// is not asked again for <see cref="ExecutorDirectory.RateLimitBackoff"/> by any placement of this node: it is recorded
/// as refusing without a message sent. When no
/// candidate is left, the error lists every executor with its reason. Not thread-safe.</para>
/// </remarks>
/// <param name="system">The actor system whose directory is asked and told.</param>
/// <param name="self">The placing actor: receives <see cref="Candidates"/> and <see cref="AttemptTimedOut"/>.</param>
/// <param name="subject">What is placed, as errors name it: <c>remote stage 'Gain'</c>, <c>remote object of Acme.Counter</c>.</param>
/// <param name="executorRole">Cluster role of the executors to ask the directory for.</param>
/// <param name="openTimeout">How long the directory may wait for an executor to join.</param>
/// <param name="namedExecutor">The executor an option names (<c>akka.tcp://media@host:port</c>): the only candidate, the directory is not asked. Null to ask it.</param>
/// <param name="span">The placement's span (null when nobody listens): gets a <c>akkamedia.refused</c> event per refusal, and the executor and attempt count when placed.</param>
/// <param name="newError">Makes the caller's exception from a message and the executor concerned (null when none).</param>
/// <param name="excluded">Executors not to try, whatever the directory says (those a failing-over stage has lost); null for none.</param>
internal sealed class ExecutorPlacement(
    ActorSystem system, IActorRef self, string subject, string executorRole, TimeSpan openTimeout, string? namedExecutor, Activity? span, Func<string, string?, Exception> newError,
    IReadOnlySet<string>? excluded = null)
{
    private readonly Queue<string> _candidates = new();
    private readonly List<string> _refusals = [];
    private string? _reserved;
    private ICancelable? _attemptTimeout;
    private bool _done;

    /// <summary>How many of <see cref="_refusals"/> were refusals for opening sessions too fast.</summary>
    private int _rateLimited;

    /// <summary>The executor of the current attempt; null before the first.</summary>
    public string? Executor { get; private set; }

    /// <summary>How many executors have been tried, the current one included.</summary>
    public int Attempts { get; private set; }

    /// <summary>
    /// Starts finding the candidates: the actor receives <see cref="Candidates"/>, or <see cref="Status.Failure"/>
    /// when the directory failed; it hands the candidates to <see cref="Start"/>.
    /// </summary>
    public void FindCandidates()
    {
        if (namedExecutor is not null)
        {
            self.Tell(new Candidates([new ExecutorInfo(namedExecutor, executorRole, 0, 0)], Reserved: false), self);
            return;
        }

        ExecutorDirectory.Get(system)
            .ReserveAsync(executorRole, openTimeout)
            .PipeTo(self, success: items => new Candidates(items, Reserved: true), failure: e => new Status.Failure(e));
    }

    /// <summary>The first executor to try, or the error that no executor answered.</summary>
    public PlacementStep Start(Candidates found)
    {
        if (_done)
        {
            return PlacementStep.None;
        }

        if (found.Items.Count == 0)
        {
            return Fail(newError(
                $"No node with role '{executorRole}' answered within {openTimeout.TotalSeconds:0.#} s, so {subject} cannot start. " +
                "Start an executor (akkamedia node --roles executor) and check that this process joins its cluster (seeds).",
                null));
        }

        _reserved = found.Reserved ? found.Items[0].Address : null;
        foreach (var candidate in found.Items)
        {
            if (excluded is null || !excluded.Contains(candidate.Address))
            {
                _candidates.Enqueue(candidate.Address);
            }
        }

        if (_candidates.Count == 0)
        {
            return Fail(newError(
                $"No executor with role '{executorRole}' is left for {subject}: the only ones there are were lost ({string.Join(", ", excluded!)}).",
                null));
        }

        return Next();
    }

    /// <summary>Whether <paramref name="executor"/> is the one of the current attempt (an answer about an earlier one is stale).</summary>
    public bool IsCurrent(string executor) => !_done && executor == Executor;

    /// <summary>The open request has been sent to the current executor: the actor receives <see cref="AttemptTimedOut"/> unless it answers within <paramref name="within"/>.</summary>
    public void AwaitAnswer(TimeSpan within)
    {
        _attemptTimeout?.Cancel();
        _attemptTimeout = system.Scheduler.ScheduleTellOnceCancelable(within, self, new AttemptTimedOut(Executor!, within), self);
    }

    /// <summary>The current executor refused: at capacity, shutting down or rate-limited, try the next; otherwise give up with its message.</summary>
    public PlacementStep Refused(SessionRefused refused)
    {
        if (_done)
        {
            return PlacementStep.None;
        }

        _attemptTimeout?.Cancel();
        span?.AddEvent(new ActivityEvent("akkamedia.refused", tags: new ActivityTagsCollection
        {
            [MediaTracing.ExecutorTag] = Executor,
            [MediaTracing.RefusalTag] = refused.Reason.ToString(),
        }));
        if (refused.Reason is RefusalReason.RateLimited)
        {
            _rateLimited++;
            ExecutorDirectory.Get(system).RateLimited(Executor!);
        }

        return refused.Reason is RefusalReason.AtCapacity or RefusalReason.ShuttingDown or RefusalReason.RateLimited
            ? Skip(refused.Message)
            : Fail(newError(refused.Message, Executor));
    }

    /// <summary>
    /// Readying <paramref name="executor"/> for the request failed: when it could not be found or did not answer, try
    /// the next; any other error is given up with as it is (the caller words it). <see cref="PlacementStep.None"/> when stale.
    /// </summary>
    public PlacementStep NotPrepared(string executor, Exception error)
    {
        if (!IsCurrent(executor))
        {
            return PlacementStep.None;
        }

        var cause = error is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerExceptions[0] : error;
        return cause is ActorNotFoundException or AskTimeoutException ? Skip("no executor answered") : Fail(cause);
    }

    /// <summary>The current executor did not answer in time: try the next. <see cref="PlacementStep.None"/> when stale.</summary>
    public PlacementStep TimedOut(AttemptTimedOut timedOut) =>
        IsCurrent(timedOut.Executor) ? Skip($"no answer within {timedOut.Within.TotalSeconds:0.#} s") : PlacementStep.None;

    /// <summary>
    /// The current executor opened the session: stops the attempt timeout, tags the span, and tells the directory
    /// when the session landed elsewhere than on the executor it reserved (or it reserved none). Every later message
    /// about the placement is stale.
    /// </summary>
    public void Placed()
    {
        _done = true;
        _attemptTimeout?.Cancel();
        span?.SetTag(MediaTracing.ExecutorTag, Executor);
        span?.SetTag(MediaTracing.AttemptsTag, Attempts);
        if (Executor != _reserved)
        {
            ExecutorDirectory.Get(system).SessionPlaced(Executor!);
        }
    }

    /// <summary>Stops the attempt timeout; for the actor's <c>PostStop</c>.</summary>
    public void Cancel() => _attemptTimeout?.Cancel();

    private PlacementStep Skip(string reason)
    {
        _refusals.Add($"{Executor}: {reason}");
        return Next();
    }

    private PlacementStep Next()
    {
        var directory = ExecutorDirectory.Get(system);
        string? next;
        while (_candidates.TryDequeue(out next) && directory.IsRateLimited(next, out var left))
        {
            // It refused this node's opens as too fast a moment ago: asking again now would only cost it another refusal.
            _rateLimited++;
            _refusals.Add($"{next}: refused this client's session opens as too fast moments ago (not asked again for {left.TotalMilliseconds:0} ms; akka-media.executor.max-session-opens-per-second)");
        }

        if (next is null)
        {
            return Fail(newError(
                $"Every executor refused {subject}: {string.Join("; ", _refusals.Select(r => r.TrimEnd('.')))}. " +
                (_rateLimited == _refusals.Count
                    ? "Open sessions more slowly, add executors or raise akka-media.executor.max-session-opens-per-second."
                    : "Add executors or raise akka-media.executor.max-sessions."),
                Executor));
        }

        Executor = next;
        Attempts++;
        return PlacementStep.Attempt(next);
    }

    /// <summary>The placement is over: every later message about it is stale.</summary>
    private PlacementStep Fail(Exception error)
    {
        _done = true;
        _attemptTimeout?.Cancel();
        return PlacementStep.GiveUp(error);
    }

    /// <summary>The executors to try in order; <paramref name="Reserved"/>: the directory already counts the session on the first.</summary>
    public sealed record Candidates(IReadOnlyList<ExecutorInfo> Items, bool Reserved);

    /// <summary><paramref name="Executor"/> has not answered the open request within <paramref name="Within"/>.</summary>
    public sealed record AttemptTimedOut(string Executor, TimeSpan Within);
}
