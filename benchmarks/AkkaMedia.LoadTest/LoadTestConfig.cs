using Akka.Configuration;
using AkkaMedia.Executor;

namespace AkkaMedia.LoadTest;

/// <summary>The HOCON of the processes: one cluster named <c>media</c> on loopback, the (first) executor its seed.</summary>
internal static class LoadTestConfig
{
    public const string SystemName = "media";

    /// <summary>
    /// Cluster, loopback remoting and quick gossip for both processes. The failure detector tolerates
    /// 10 s pauses: a saturated process must show up as latency in the figures, not as a downed node.
    /// </summary>
    private static readonly Config Base = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.min-nr-of-members = 1
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 10s
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver.stable-after = 5s
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    public static string AddressOf(int port) => $"akka.tcp://{SystemName}@127.0.0.1:{port}";

    /// <summary>
    /// The executor: the executor role, room for thousands of sessions opened as fast as the driver can (the per-client
    /// rate of opens is lifted: the scenarios measure the sessions, not the limit; <c>--set</c> puts it back), remoting on <paramref name="port"/> (0: a port the
    /// system picks when it binds, so no other process can take it first). No seed nodes: the executor joins its own
    /// cluster or the first executor's itself (<see cref="ExecutorProcess"/>), once its address is known.
    /// </summary>
    public static Config Executor(int port, IReadOnlyList<string> settings) =>
        Extra(settings)
            .WithFallback(ConfigurationFactory.ParseString($$"""
                akka.cluster.roles = [executor]
                akka.remote.dot-netty.tcp.port = {{port}}
                akka-media.executor.max-sessions = 2000
                akka-media.executor.max-session-opens-per-second = 100000
                """))
            .WithFallback(Base)
            .WithFallback(ExecutorSettings.DefaultConfig);

    /// <summary>The driver: joins the executor, waits up to 30 s to place a session.</summary>
    public static Config Client(string executorAddress, IReadOnlyList<string> settings) =>
        Extra(settings)
            .WithFallback(ConfigurationFactory.ParseString($$"""
                akka.remote.dot-netty.tcp.port = 0
                akka.cluster.seed-nodes = ["{{executorAddress}}"]
                akka-media.remote.open-timeout = 30s
                """))
            .WithFallback(Base);

    private static Config Extra(IReadOnlyList<string> settings) =>
        settings.Count == 0 ? Config.Empty : ConfigurationFactory.ParseString(string.Join('\n', settings));
}
