using Akka.Actor;
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
    /// system terminates, and reads its <see cref="SandboxPolicy"/> (<c>akka-media.executor.sandbox</c>). Returns the
    /// executor's reference; it stops with the system.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names the key.</exception>
    /// <exception cref="InvalidOperationException">The package folder is held by another executor.</exception>
    public static IActorRef Start(ActorSystem system, NodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(registry);
        var settings = ExecutorSettings.Create(system.Settings.Config);
        var sandbox = SandboxPolicy.Create(system.Settings.Config);
        var packages = PackageStore.Create(PackageStoreSettings.Create(system.Settings.Config), system);
        system.RegisterOnTermination(packages.Dispose);
        return system.ActorOf(ExecutorActor.Props(settings, registry, packages, sandbox, StartTransports(system, settings)), ExecutorActor.Name);
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
