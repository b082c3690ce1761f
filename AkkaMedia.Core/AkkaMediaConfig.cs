using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Streams;

namespace AkkaMedia;

/// <summary>
/// The configuration defaults of AkkaMedia.Core (frame serializer bindings, node limits), read from
/// the <c>reference.conf</c> embedded in this assembly.
/// </summary>
public static class AkkaMediaConfig
{
    private static readonly Lazy<Config> DefaultConfig = new(() =>
        Load(typeof(AkkaMediaConfig).Assembly, "AkkaMedia.Core.reference.conf")
            .WithFallback(ActorMaterializer.DefaultConfig())
            .WithFallback(ClusterSharding.DefaultConfig())
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(DistributedData.DefaultConfig()));

    /// <summary>
    /// AkkaMedia.Core's <c>reference.conf</c> with Akka.Streams' defaults behind it. Akka.Streams' defaults
    /// are needed from the start: they bind the stream-ref serializer, without which a node cannot read
    /// an <c>OpenSession</c> before its first materializer exists. Cluster Sharding's, Cluster Singleton's and
    /// Distributed Data's are there for the same reason: durable objects start sharding on first use, and a node
    /// that has not yet started it must still read the sharding messages other nodes send it.
    /// </summary>
    public static Config Default => DefaultConfig.Value;

    /// <summary>
    /// Returns <paramref name="config"/> with AkkaMedia.Core's defaults as fallback. Pass the result to
    /// <c>ActorSystem.Create</c>: serializer bindings are read when the system starts, so they must be
    /// present then.
    /// </summary>
    public static Config WithDefaults(Config? config) =>
        config is null || config.IsEmpty ? Default : config.WithFallback(Default);

    /// <summary>Reads a HOCON resource embedded in <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">The resource does not exist.</exception>
    public static Config Load(System.Reflection.Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded configuration '{resourceName}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
