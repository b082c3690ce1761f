using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using static AkkaMedia.Remote.ExecutorDirectoryProtocol;

namespace AkkaMedia.Remote;

/// <summary>
/// The client's view of the executors in its cluster: reachable members that are up with the
/// executor role, least loaded first. One per actor system (an Akka extension); remote stages and remote
/// objects place their sessions with it.
/// </summary>
public sealed class ExecutorDirectory : IExtension
{
    /// <summary>
    /// How long this node does not ask an executor that refused one of its session opens as too fast
    /// (<c>max-session-opens-per-second</c>) again: at the rates executors allow, a handful of tokens at most come back in
    /// that time, and a client opening in a loop then costs the executor a refusal per window instead of one per open.
    /// </summary>
    internal static readonly TimeSpan RateLimitBackoff = TimeSpan.FromMilliseconds(100);

    private readonly IActorRef _actor;
    private readonly ConcurrentDictionary<string, long> _rateLimitedUntil = new(StringComparer.Ordinal);

    internal ExecutorDirectory(ExtendedActorSystem system)
    {
        _actor = system.SystemActorOf(Props.Create<ExecutorDirectoryActor>(), "akka-media-executor-directory");
    }

    /// <summary>The directory of <paramref name="system"/>, started on first use.</summary>
    public static ExecutorDirectory Get(ActorSystem system) => system.WithExtension<ExecutorDirectory, ExecutorDirectoryProvider>();

    /// <summary>
    /// Returns the reachable executors with <paramref name="role"/>, least loaded first. When none is
    /// known yet, waits up to <paramref name="wait"/> for one to join; the list is empty if none did.
    /// </summary>
    public async Task<IReadOnlyList<ExecutorInfo>> GetExecutorsAsync(string role, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var reply = await _actor.Ask<Executors>(new GetExecutors(role, DateTime.UtcNow + wait), wait + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        return reply.Items;
    }

    /// <summary>
    /// Like <see cref="GetExecutorsAsync"/>, for a caller that opens a session on the first executor
    /// returned: that executor's load counts the session from now on, so that sessions placed at the same
    /// moment spread over the executors instead of all going to the one that was least loaded.
    /// </summary>
    internal async Task<IReadOnlyList<ExecutorInfo>> ReserveAsync(string role, TimeSpan wait)
    {
        var reply = await _actor.Ask<Executors>(new GetExecutors(role, DateTime.UtcNow + wait, Reserve: true), wait + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return reply.Items;
    }

    internal void SessionPlaced(string address) => _actor.Tell(new SessionPlaced(address));

    /// <summary>Test seam: the clock of <see cref="RateLimited"/>, in <see cref="Stopwatch"/> ticks.</summary>
    internal Func<long> Now { get; set; } = Stopwatch.GetTimestamp;

    /// <summary>
    /// The executor at <paramref name="address"/> refused a session open of this node as too fast: placements of this
    /// node skip it for <see cref="RateLimitBackoff"/>, refusing locally with the same reason. Thread-safe.
    /// </summary>
    internal void RateLimited(string address) =>
        _rateLimitedUntil[address] = Now() + (long)(RateLimitBackoff.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Whether <paramref name="address"/> refused this node's opens as too fast less than <see cref="RateLimitBackoff"/> ago; <paramref name="left"/> says for how much longer it is skipped.</summary>
    internal bool IsRateLimited(string address, out TimeSpan left)
    {
        left = TimeSpan.Zero;
        if (!_rateLimitedUntil.TryGetValue(address, out var until))
        {
            return false;
        }

        var remaining = until - Now();
        if (remaining <= 0)
        {
            _rateLimitedUntil.TryRemove(new KeyValuePair<string, long>(address, until));
            return false;
        }

        left = TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency);
        return true;
    }

    /// <summary>
    /// The executor at <paramref name="address"/> ended a media link of this node (it died, or its connection broke):
    /// no session is placed there until it answers a status poll again, which takes about a second for an executor
    /// that is alive; one that died stays out until the cluster removes it. Seconds before the cluster's failure
    /// detector would tell.
    /// </summary>
    internal void Suspect(string address) => _actor.Tell(new ExecutorSuspected(address));

    private sealed class ExecutorDirectoryProvider : ExtensionIdProvider<ExecutorDirectory>
    {
        public override ExecutorDirectory CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
