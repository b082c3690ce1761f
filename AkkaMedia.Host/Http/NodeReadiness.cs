using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Executor;
using AkkaMedia.Protocol;

namespace AkkaMedia.Host.Http;

/// <summary>
/// Whether a node should receive work, as <c>/readyz</c> reports it: its actor system runs, it is not shutting down,
/// it is an Up member of its cluster and, when it runs an executor, that executor accepts sessions (it does not while
/// draining). The reason is one line for operators and probes' logs.
/// </summary>
internal sealed class NodeReadiness(ActorSystem system, TimeSpan askTimeout)
{
    /// <summary>Ready, or not with the reason; never throws (an executor that does not answer in time counts as not ready).</summary>
    public async Task<(bool Ready, string Reason)> CheckAsync()
    {
        if (system.WhenTerminated.IsCompleted)
        {
            return (false, "the actor system has stopped");
        }

        var executor = await ExecutorStatusAsync().ConfigureAwait(false);
        var shutdown = CoordinatedShutdown.Get(system).ShutdownReason;

        // An executor node's shutdown starts with the drain: from the moment it begins, not only once the executor has
        // taken the drain message, the node is draining.
        if (executor is { Accepting: false } || (IsExecutor && shutdown is not null))
        {
            var running = executor is null ? string.Empty : $" ({executor.ActiveSessions} still running)";
            return (false, $"draining: the executor accepts no new sessions{running} and the node will leave the cluster");
        }

        if (shutdown is { } reason)
        {
            return (false, $"shutting down ({reason.GetType().Name.Replace("Reason", string.Empty, StringComparison.Ordinal)})");
        }

        if (system is ExtendedActorSystem { Provider: not Akka.Cluster.ClusterActorRefProvider })
        {
            return (true, "running (a standalone process, not a cluster member)");
        }

        var cluster = Cluster.Get(system);
        var self = cluster.State.Members.FirstOrDefault(m => m.UniqueAddress.Equals(cluster.SelfUniqueAddress));
        if (self is null)
        {
            var seeds = system.Settings.Config.GetStringList("akka.cluster.seed-nodes");
            var discovery = system.Settings.Config.GetString("akka.discovery.method", string.Empty);
            var joining = seeds.Count > 0 ? string.Join(", ", seeds)
                : discovery is "config" or "kubernetes-api" ? $"through Cluster Bootstrap, {discovery} discovery"
                : "itself";
            return (false, $"not a member of the cluster yet (joining {joining})");
        }

        if (self.Status != MemberStatus.Up)
        {
            return (false, $"member status is {self.Status}, not Up");
        }

        if (IsExecutor && executor is null)
        {
            return (false, $"the executor did not report its status within {askTimeout.TotalSeconds:0.###} s");
        }

        return (true, executor is null ? "an Up member of the cluster" : $"an Up member of the cluster, accepting sessions ({executor.ActiveSessions}/{executor.MaxSessions} running)");
    }

    private bool IsExecutor => system is ExtendedActorSystem { Provider: Akka.Cluster.ClusterActorRefProvider } && Cluster.Get(system).SelfRoles.Contains("executor");

    private async Task<ExecutorStatus?> ExecutorStatusAsync()
    {
        if (!IsExecutor)
        {
            return null;
        }

        try
        {
            return await system.ActorSelection($"/user/{ExecutorActor.Name}").Ask<ExecutorStatus>(GetExecutorStatus.Instance, askTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
        {
            return null;
        }
    }
}
