using Akka.Actor;
using AkkaMedia.Nodes;

namespace AkkaMedia.Executor;

/// <summary>Starts the executor of an actor system.</summary>
public static class MediaExecutor
{
    /// <summary>
    /// Starts the <see cref="ExecutorActor"/> of <paramref name="system"/> at <c>/user/akka-media-executor</c>,
    /// serving the node types of <paramref name="registry"/> with the settings under <c>akka-media.executor</c>.
    /// The system must carry the role clients look for (<c>akka.cluster.roles = [executor]</c>) to be found by
    /// cluster clients. Returns the executor's reference; it stops with the system.
    /// </summary>
    public static IActorRef Start(ActorSystem system, NodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(registry);
        var settings = ExecutorSettings.Create(system.Settings.Config);
        return system.ActorOf(ExecutorActor.Props(settings, registry), ExecutorActor.Name);
    }
}
