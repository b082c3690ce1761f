using Akka.Actor;
using AkkaMedia.Executor.Admission;
using AkkaMedia.Executor.Isolation;
using AkkaMedia.Executor.Link;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Nodes;

namespace AkkaMedia.Executor;

/// <summary>Starts the executor of an actor system.</summary>
public static class MediaExecutor
{
    /// <summary>
    /// Starts the <see cref="ExecutorActor"/> of <paramref name="system"/> at <c>/user/akka-media-executor</c>,
    /// serving the node types of <paramref name="registry"/> with the settings under <c>akka-media.executor</c>.
    /// The system must carry the role clients look for (<c>akka.cluster.roles = [executor]</c>) to be found by
    /// cluster clients. Opens the node's <see cref="PackageStore"/> (<c>akka-media.executor.packages</c>), released when the
    /// system terminates, reads its <see cref="SandboxPolicy"/> (<c>akka-media.executor.sandbox</c>) and who may ship code
    /// to it (<c>akka-media.executor.admission</c>: a cluster role, signed packages; every trusted key file is read now).
    /// With <c>akka-media.executor.isolation = process</c>, starts the pool of worker processes that shipped code runs in
    /// (its warm workers start now; every worker is killed when the system terminates).
    /// Returns the executor's reference; it stops with the system.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names the key.</exception>
    /// <exception cref="ArgumentException">An admission setting is wrong (a trusted key file missing or unreadable, signatures required without a trusted key); the message names the key and says how to fix it.</exception>
    /// <exception cref="InvalidOperationException">The package folder is held by another executor, <c>admission.require-role</c> or <c>session-opens-per-second-by-role</c> is set on a node that is not a cluster member, or process isolation is on and bubblewrap is missing or unusable (the message names the fix).</exception>
    /// <exception cref="FileNotFoundException">Process isolation is on and the worker assembly (<c>AkkaMedia.Worker.dll</c>) is missing; the message says how to fix it.</exception>
    public static IActorRef Start(ActorSystem system, NodeRegistry registry) => StartWithOpenClock(system, registry, openClock: null);

    /// <summary>
    /// <see cref="Start(ActorSystem, NodeRegistry)"/> with the clock of the per-client rate of session opens
    /// (<see cref="System.Diagnostics.Stopwatch"/> ticks; null for the real one). Test seam.
    /// </summary>
    internal static IActorRef StartWithOpenClock(ActorSystem system, NodeRegistry registry, Func<long>? openClock)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(registry);
        var settings = ExecutorSettings.Create(system.Settings.Config);
        var sandbox = SandboxPolicy.Create(system.Settings.Config);
        var admission = CodeAdmission.Create(system, AdmissionSettings.Create(system.Settings.Config));
        var openRates = SessionOpenRates.Create(system, settings, openClock);
        var packages = PackageStore.Create(PackageStoreSettings.Create(system.Settings.Config), system);
        system.RegisterOnTermination(packages.Dispose);
        var isolation = WorkerSettings.Create(system.Settings.Config);
        WorkerPool? workers = null;
        if (isolation.Isolation == CodeIsolation.Process)
        {
            workers = WorkerPool.Start(isolation, system.Log);

            // Before the system terminates (a host may exit as soon as it has), and again on termination without it.
            var pool = workers;
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "stop-worker-processes", () =>
            {
                pool.Dispose();
                return Task.FromResult(Akka.Done.Instance);
            });
            system.RegisterOnTermination(workers.Dispose);
        }

        return system.ActorOf(ExecutorActor.Props(settings, registry, packages, sandbox, admission, StartTransports(system, settings), openRates, workers), ExecutorActor.Name);
    }

    /// <summary>
    /// The session transports of the executor: StreamRefs always, the media link when enabled. The link's server
    /// listens from now until the actor system terminates, whatever happens to the executor's actor.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The link port is taken.</exception>
    private static SessionTransports StartTransports(ActorSystem system, ExecutorSettings settings)
    {
        var link = settings.LinkEnabled ? LinkServer.Start((ExtendedActorSystem)system, settings) : null;
        return new SessionTransports(
            new StreamRefsSessionTransport(settings),
            link is null ? null : new LinkSessionTransport(link, settings, system.Scheduler),
            link);
    }
}
