using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Executor;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;

namespace AkkaMedia.TestKit;

/// <summary>
/// An executor node running inside the test process: a real actor system with cluster remoting on a
/// free loopback port and the executor role, serving the node types of a registry. A spec's own actor
/// system joins it with <see cref="ClientConfig"/> and then runs pipelines with remote stages over real
/// remoting, without starting processes.
/// </summary>
/// <example>
/// <code>
/// public sealed class MySpec : TestKit, IClassFixture&lt;MyExecutor&gt;
/// {
///     public MySpec(MyExecutor executor) : base(executor.ClientConfig) { ... }
/// }
/// </code>
/// </example>
/// <remarks>Disposing terminates the executor's actor system; sessions still running are stopped.</remarks>
public class ExecutorFixture : IDisposable, IAsyncDisposable
{
    private const string SystemName = "media";

    /// <summary>Starts an executor serving <paramref name="registry"/>.</summary>
    /// <param name="registry">The node types the executor runs.</param>
    /// <param name="executorConfig">Extra HOCON for the executor (for example <c>akka-media.executor.max-sessions = 2</c>); may be null.</param>
    public ExecutorFixture(NodeRegistry registry, Config? executorConfig = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Port = FreeLoopbackPort();
        var tls = !string.IsNullOrWhiteSpace(executorConfig?.GetString("akka-media.tls.certificate"));
        Address = $"{AkkaMedia.Client.ClusterSeeds.Protocol(tls)}://{SystemName}@127.0.0.1:{Port}";
        var config = (executorConfig ?? Config.Empty)
            .WithFallback(ConfigurationFactory.ParseString($$"""
                akka.cluster.roles = [executor]
                akka.remote.dot-netty.tcp.port = {{Port}}
                akka.cluster.seed-nodes = ["{{Address}}"]
                """))
            .WithFallback(BaseConfig)
            .WithFallback(ExecutorSettings.DefaultConfig);
        System = MediaActorSystem.Create(SystemName, config);
        Executor = MediaExecutor.Start(System, registry);
    }

    /// <summary>The executor's actor system; terminated on dispose.</summary>
    public ActorSystem System { get; }

    /// <summary>The executor actor.</summary>
    public IActorRef Executor { get; }

    /// <summary>The loopback port the executor listens on.</summary>
    public int Port { get; }

    /// <summary>The executor node's address, <c>akka.tcp://media@127.0.0.1:port</c> (<c>akka.ssl.tcp://</c> when its configuration turns TLS on).</summary>
    public string Address { get; }

    /// <summary>
    /// Configuration for a client actor system (a spec's TestKit) that joins the executor's cluster on a
    /// free port and carries AkkaMedia's defaults. Its system must be named <c>media</c>.
    /// </summary>
    public Config ClientConfig => ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.seed-nodes = ["{{Address}}"]
            """)
        .WithFallback(BaseConfig)
        .WithFallback(AkkaMediaConfig.Default);

    /// <summary>Cluster, loopback remoting and quick gossip, shared by executor and clients.</summary>
    public static Config BaseConfig { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.min-nr-of-members = 1
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver.stable-after = 5s
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    /// <summary>Creates a client actor system (named <c>media</c>) joined to this executor; the caller terminates it.</summary>
    public ActorSystem CreateClient(Config? extra = null) =>
        MediaActorSystem.Create(SystemName, (extra ?? Config.Empty).WithFallback(ClientConfig));

    /// <summary>Completes when <paramref name="client"/> sees this executor up and ready for sessions.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (default 20 s).</exception>
    public async Task WaitForExecutorAsync(ActorSystem client, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var found = await ExecutorDirectory.Get(client).GetExecutorsAsync("executor", limit).ConfigureAwait(false);
        if (!found.Any(e => e.Address == Address))
        {
            throw new TimeoutException($"The client did not see executor {Address} within {limit.TotalSeconds:0} s.");
        }
    }

    /// <summary>The number of sessions the executor runs now.</summary>
    public async Task<int> ActiveSessionsAsync()
    {
        var status = await Executor.Ask<ExecutorStatus>(GetExecutorStatus.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return status.ActiveSessions;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
