using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Persistence.Sql;

namespace AkkaMedia.Remote.Durable;

/// <summary>
/// The durable objects of one actor system: the shard region that routes every command to the one live entity of its
/// object's name. A node with the <c>akka-media.durable.role</c> role hosts entities, from the start of its actor system
/// (the extension is listed in <c>akka.extensions</c>: the sharding coordinator runs on the oldest node with the role,
/// which must have started sharding whether or not it has used durable objects yet); any other node reaches them
/// through a proxy, started on first use.
/// </summary>
/// <remarks>
/// Why Cluster Sharding: it gives exactly what a durable object needs and nothing to write by hand: one live entity
/// per name across the hosting nodes (the coordinator allocates each shard to one region), location-transparent
/// routing from any node, buffering while an entity moves, a new home when its node leaves, and passivation of idle
/// entities. A hand-made singleton registry would have to rebuild all of it, and would route every call through one
/// node.
/// </remarks>
internal sealed class DurableObjects : IExtension
{
    /// <summary>The shard region's type name.</summary>
    public const string TypeName = "akka-media-durable-object";

    private readonly Lazy<Task<IActorRef>> _region;

    public DurableObjects(ExtendedActorSystem system)
    {
        Settings = DurableObjectSettings.Create(system.Settings.Config);
        var settings = Settings;
        system.Settings.InjectTopLevelFallback(settings.SqlitePlugins().WithFallback(SqlPersistence.DefaultConfiguration));
        _region = new Lazy<Task<IActorRef>>(() => StartAsync(system, settings));
        if (system.Provider is Akka.Cluster.ClusterActorRefProvider && Cluster.Get(system).SelfRoles.Contains(settings.Role))
        {
            _ = _region.Value;
        }
    }

    /// <summary>The settings read from <c>akka-media.durable</c>.</summary>
    public DurableObjectSettings Settings { get; }

    /// <summary>The extension of <paramref name="system"/>.</summary>
    public static DurableObjects Get(ActorSystem system) => system.WithExtension<DurableObjects, DurableObjectsProvider>();

    /// <summary>The shard region (or proxy) of this node, started on first use.</summary>
    /// <exception cref="InvalidOperationException">The system is not a cluster member.</exception>
    public Task<IActorRef> RegionAsync() => _region.Value;

    private static Task<IActorRef> StartAsync(ExtendedActorSystem system, DurableObjectSettings settings)
    {
        if (system.Provider is not Akka.Cluster.ClusterActorRefProvider)
        {
            throw new InvalidOperationException(
                "Durable objects need a cluster: set akka.actor.provider = cluster and join the executors' cluster (a node with the role " +
                $"\"{settings.Role}\", akka-media.durable.role, hosts them).");
        }

        var sharding = ClusterSharding.Get(system);
        var extractor = new Extractor(settings.Shards);
        if (!Cluster.Get(system).SelfRoles.Contains(settings.Role))
        {
            return sharding.StartProxyAsync(TypeName, settings.Role, extractor);
        }

        var shardingSettings = ClusterShardingSettings.Create(system)
            .WithRole(settings.Role)
            .WithPassivateIdleAfter(settings.IdleTimeout);
        return sharding.StartAsync(TypeName, name => DurableObjectActor.Props(name, settings), shardingSettings, extractor);
    }

    /// <summary>Routes a command by its object's name.</summary>
    private sealed class Extractor(int shards) : HashCodeMessageExtractor(shards)
    {
        public override string? EntityId(object message) => (message as IDurableObjectCommand)?.Name;
    }
}

/// <summary>Creates the <see cref="DurableObjects"/> extension.</summary>
internal sealed class DurableObjectsProvider : ExtensionIdProvider<DurableObjects>
{
    public override DurableObjects CreateExtension(ExtendedActorSystem system) => new(system);
}
