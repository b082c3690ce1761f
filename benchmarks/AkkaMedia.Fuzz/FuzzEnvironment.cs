using Akka.Actor;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Nodes;

namespace AkkaMedia.Fuzz;

/// <summary>
/// What the targets share: one actor system with AkkaMedia's serializers bound (the serializers and the link's element
/// codec need it) and the host's node registry (pipeline files name node types). Create once; dispose at the end.
/// </summary>
internal sealed class FuzzEnvironment : IDisposable
{
    public FuzzEnvironment()
    {
        System = (ExtendedActorSystem)ActorSystem.Create("fuzz", AkkaMediaConfig.WithDefaults(Akka.Configuration.ConfigurationFactory.ParseString(
            "akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR\nakka.actor.provider = local")));
        Registry = HostNodes.CreateRegistry();
    }

    /// <summary>The actor system whose serializers the serializer and link targets use.</summary>
    public ExtendedActorSystem System { get; }

    /// <summary>The node types a pipeline file may name.</summary>
    public NodeRegistry Registry { get; }

    /// <inheritdoc />
    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}
