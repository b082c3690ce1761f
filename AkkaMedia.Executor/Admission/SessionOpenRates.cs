using Akka.Actor;
using Akka.Cluster;

namespace AkkaMedia.Executor.Admission;

/// <summary>
/// The executor's per-client rates of session opens: <c>max-session-opens-per-second</c> for every client node, or,
/// for a cluster member with a role listed in <c>session-opens-per-second-by-role</c>, the highest rate of its listed
/// roles. Each rate keeps its own buckets (one per client address), so a client is held to one rate at a time.
/// Used on the executor actor's thread only.
/// </summary>
internal sealed class SessionOpenRates
{
    /// <summary>The key of the default rate, named in refusals.</summary>
    public const string DefaultKey = "akka-media.executor.max-session-opens-per-second";

    /// <summary>The section of the per-role rates, named in refusals.</summary>
    public const string ByRoleKey = "akka-media.executor.session-opens-per-second-by-role";

    private readonly RateLimiter<Address> _default;
    private readonly string _defaultRule;
    private readonly Dictionary<string, (int Rate, string Rule, RateLimiter<Address> Limiter)> _byRole;
    private readonly Cluster? _cluster;

    private SessionOpenRates(ExecutorSettings settings, Cluster? cluster, Func<long>? clock)
    {
        _default = new RateLimiter<Address>(settings.MaxSessionOpensPerSecond, clock);
        _defaultRule = $"{DefaultKey} = {settings.MaxSessionOpensPerSecond}";
        _byRole = settings.SessionOpensPerSecondByRole.ToDictionary(
            static r => r.Key, r => (r.Value, $"{ByRoleKey}.{r.Key} = {r.Value}", new RateLimiter<Address>(r.Value, clock)), StringComparer.Ordinal);
        _cluster = cluster;
    }

    /// <summary>The rates of the executor of <paramref name="system"/> (<paramref name="clock"/>: a test seam, as <see cref="RateLimiter{TKey}"/>'s).</summary>
    /// <exception cref="InvalidOperationException">Per-role rates are configured on a system that is not a cluster node (its clients' roles cannot be known).</exception>
    public static SessionOpenRates Create(ActorSystem system, ExecutorSettings settings, Func<long>? clock)
    {
        var isCluster = ((ExtendedActorSystem)system).Provider is ClusterActorRefProvider;
        if (settings.SessionOpensPerSecondByRole.Count > 0 && !isCluster)
        {
            throw new InvalidOperationException(
                $"{ByRoleKey} needs a cluster node (akka.actor.provider = cluster): only cluster members' roles can be known. " +
                $"Run the executor in a cluster, or remove {ByRoleKey}.");
        }

        return new SessionOpenRates(settings, settings.SessionOpensPerSecondByRole.Count > 0 ? Cluster.Get(system) : null, clock);
    }

    /// <summary>
    /// Takes a token for an open by <paramref name="client"/>; false when it is beyond its rate. <paramref name="rule"/>
    /// names the setting that applied and its value, for the refusal (<c>KEY = N</c>), and <paramref name="rate"/> is that value.
    /// </summary>
    public bool TryAcquire(Address client, out string rule, out int rate)
    {
        if (RoleRate(client) is { } byRole)
        {
            (rate, rule) = (byRole.Rate, byRole.Rule);
            return byRole.Limiter.TryAcquire(client);
        }

        (rate, rule) = (_default.Rate, _defaultRule);
        return _default.TryAcquire(client);
    }

    /// <summary>The highest per-role rate among the roles of the member at <paramref name="client"/> (<see cref="ClusterMembers.At"/>); null when none applies (no such rates, not a member, no listed role).</summary>
    private (int Rate, string Rule, RateLimiter<Address> Limiter)? RoleRate(Address client)
    {
        if (_cluster is null)
        {
            return null;
        }

        var member = ClusterMembers.At(_cluster, client);
        if (member is null)
        {
            return null;
        }

        (int Rate, string Rule, RateLimiter<Address> Limiter)? best = null;
        foreach (var role in member.Roles)
        {
            if (_byRole.TryGetValue(role, out var entry) && (best is null || entry.Rate > best.Value.Rate))
            {
                best = entry;
            }
        }

        return best;
    }
}
