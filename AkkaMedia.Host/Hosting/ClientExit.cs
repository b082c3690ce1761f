using Akka.Actor;

namespace AkkaMedia.Host.Hosting;

/// <summary>
/// How a client node (<c>akkamedia run</c>, <c>serve</c>) stops: after a normal end it leaves the cluster and waits for the
/// leader to remove it; after a failure it announces its leave and stops at once, since the failure is often a member
/// that died, and no leave can complete while a dead member blocks the cluster's convergence.
/// </summary>
internal static class ClientExit
{
    /// <summary>How long a stop waits for coordinated shutdown, and then for the actor system's termination.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Leaves the cluster gracefully when it answers, without waiting long for members that are gone: every phase of
    /// coordinated shutdown runs (the client's configuration bounds <c>cluster-leave</c> and <c>cluster-exiting</c> to 2 s
    /// each), then the actor system terminates; after 3 s it is terminated outright.
    /// </summary>
    /// <param name="system">The node; terminated when this completes, unless its termination took longer than 3 s more.</param>
    public static async Task LeaveAsync(ActorSystem system) =>
        await StopAsync(system, () => CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance)).ConfigureAwait(false);

    /// <summary>
    /// Stops a client whose work failed without waiting for the cluster to agree to its leave: marks itself <c>Leaving</c>
    /// (gossiped at once to the members that are alive), then runs coordinated shutdown from its <c>cluster-exiting-done</c>
    /// phase, which gossips once more, tells the two likeliest leaders that this member has exited (so they need neither its
    /// acknowledgement nor a downing decision to remove it) and stops the cluster, the remoting and the actor system. The
    /// phases skipped are the ones that wait: <c>cluster-leave</c> and <c>cluster-exiting</c>, which wait for the leader to move
    /// this member to <c>Exiting</c>, which it cannot do before a dead member is downed (failure detection and the split-brain
    /// resolver's <c>stable-after</c>: seconds). A client registers no task in the phases before them. A node that has not
    /// joined yet skips the leave and stops its joining. After 3 s the actor system is terminated outright.
    /// </summary>
    /// <param name="system">A cluster node; terminated when this completes, unless its termination took longer than 3 s more.</param>
    public static async Task StopAfterFailureAsync(ActorSystem system) =>
        await StopAsync(system, () =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            cluster.Leave(cluster.SelfAddress);

            // Leave and the exiting-completed task's request go to the same cluster actor from this thread, in this order.
            return CoordinatedShutdown.Get(system).Run(ClientFailureReason.Instance, CoordinatedShutdown.PhaseClusterExitingDone);
        }).ConfigureAwait(false);

    private static async Task StopAsync(ActorSystem system, Func<Task> shutdown)
    {
        try
        {
            await shutdown().WaitAsync(Limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await system.Terminate().WaitAsync(Limit).ConfigureAwait(false);
        }
    }
}
