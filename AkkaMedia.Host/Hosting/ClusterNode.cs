using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using AkkaMedia.Host.Logs;

namespace AkkaMedia.Host.Hosting;

/// <summary>Starts cluster nodes and waits for them to join.</summary>
internal static class ClusterNode
{
    /// <summary>Creates the node's actor system, logging as text to standard error; the caller owns it.</summary>
    public static ActorSystem Start(Config config) => Start(config, HostLog.Create(LogFormat.Text, Console.Error));

    /// <summary>Creates the node's actor system, logging into <paramref name="log"/>; the caller owns both.</summary>
    public static ActorSystem Start(Config config, HostLog log) => log.CreateSystem(ClusterNodeOptions.SystemName, config);

    /// <summary>Completes when <paramref name="system"/> is an up member of its cluster.</summary>
    /// <param name="system">The node.</param>
    /// <param name="timeout">How long joining may take.</param>
    /// <param name="joining">Whom it joins (the seeds, or the discovery that finds them), for the timeout's message.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="TimeoutException">It did not join within <paramref name="timeout"/>; the message names whom it tried.</exception>
    /// <exception cref="InvalidOperationException">Its actor system stopped first (a refused TLS handshake, for one); the message says why.</exception>
    public static async Task WaitUpAsync(ActorSystem system, TimeSpan timeout, string joining, CancellationToken cancellationToken)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        Task first;
        try
        {
            first = await Task.WhenAny(up.Task, system.WhenTerminated).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"This node did not join the cluster within {timeout.TotalSeconds:0} s. Is a node running at {joining}?");
        }

        if (first != up.Task)
        {
            throw new InvalidOperationException($"This node stopped before it joined the cluster at {joining}: {StopReason(system)}.");
        }
    }

    /// <summary>Why <paramref name="system"/> stopped, for a message (<see cref="MediaActorSystem.DescribeStop"/>).</summary>
    public static string StopReason(ActorSystem system) => MediaActorSystem.DescribeStop(system);
}
