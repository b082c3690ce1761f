using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using AkkaMedia.Client;
using AkkaMedia.Executor;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;

namespace AkkaMedia.Samples.Common;

/// <summary>
/// The client actor system a sample deploys from and the executor it deploys to: either an executor node
/// started in this process (a second actor system, reached over real loopback remoting) or one found in a
/// running cluster through seed nodes. Disposing leaves the cluster and stops whatever was started here.
/// </summary>
public sealed class ExecutorConnection : IAsyncDisposable
{
    private const string SystemName = "media";
    private const string ExecutorRole = "executor";

    private readonly MediaClient _client;
    private readonly ActorSystem? _executorNode;
    private readonly string? _packageFolder;

    private ExecutorConnection(MediaClient client, string origin, ActorSystem? executorNode, string? packageFolder)
    {
        _client = client;
        ExecutorAddress = client.Executors[0].Address;
        Origin = origin;
        _executorNode = executorNode;
        _packageFolder = packageFolder;
    }

    /// <summary>The client actor system (named <c>media</c>, cluster provider, role <c>client</c>).</summary>
    public ActorSystem Client => _client.System;

    /// <summary>The executor the sample's code is shipped to, <c>akka.tcp://media@host:port</c>.</summary>
    public string ExecutorAddress { get; }

    /// <summary>Where that executor came from, for the report.</summary>
    public string Origin { get; }

    /// <summary>
    /// True when the executor runs in this process. Its load contexts are then visible here, and the
    /// sample's own assemblies sit in this process's default context beside the copies the executor loads
    /// from the shipped package.
    /// </summary>
    public bool IsInProcess => _executorNode is not null;

    /// <summary>One line saying which of the two modes ran: it starts with <c>in-process</c> or <c>cluster</c>.</summary>
    public string Mode => IsInProcess
        ? $"in-process executor at {ExecutorAddress} (a second actor system in this process, over loopback remoting)"
        : $"cluster executor at {ExecutorAddress}, another process ({Origin})";

    /// <summary>
    /// Starts an executor node on a free loopback port in this process, as the first member of a new
    /// cluster, with its package store in a fresh temporary folder (deleted on dispose), and joins it as a
    /// client: the same remoting, upload and load path as a separate <c>akkamedia node</c>.
    /// </summary>
    /// <param name="timeout">How long to wait for the client to see the executor.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="executorConfig">HOCON layered over the executor's settings; null for the defaults.</param>
    /// <exception cref="TimeoutException">The client did not see the executor within <paramref name="timeout"/>.</exception>
    public static async Task<ExecutorConnection> StartInProcessAsync(TimeSpan timeout, CancellationToken cancellationToken, string? executorConfig = null)
    {
        var packageFolder = Path.Combine(Path.GetTempPath(), "akka-media-samples", Guid.NewGuid().ToString("N"));
        var config = ConfigurationFactory.ParseString(executorConfig ?? string.Empty).WithFallback(ConfigurationFactory.ParseString($"""
                akka.cluster.roles = [{ExecutorRole}]
                akka.remote.dot-netty.tcp.hostname = 127.0.0.1
                akka.remote.dot-netty.tcp.port = 0
                akka-media.executor.packages.folder = "{packageFolder.Replace("\\", "\\\\", StringComparison.Ordinal)}"
                """))
            .WithFallback(NodeConfig)
            .WithFallback(ExecutorSettings.DefaultConfig);

        // When the client leaves at the end of the run, the executor's side of the connection may log the
        // disassociation as an error with a stack trace: expected here, so filtered out of this node's log.
        var executorNode = ActorSystem.Create(SystemName, BootstrapSetup.Create()
            .WithConfig(AkkaMediaConfig.WithDefaults(config))
            .And(new LogFilterBuilder().ExcludeMessageContaining("Disassociated").Build()));
        try
        {
            MediaExecutor.Start(executorNode, BuiltInNodes.CreateRegistry());
            var address = ((ExtendedActorSystem)executorNode).Provider.DefaultAddress;
            Cluster.Get(executorNode).Join(address);
            var client = await MediaClient.ConnectAsync(Options([address.ToString()], "127.0.0.1", timeout), cancellationToken).ConfigureAwait(false);
            return new ExecutorConnection(client, "started in this process for this run", executorNode, packageFolder);
        }
        catch
        {
            await executorNode.Terminate().ConfigureAwait(false);
            DeleteFolder(packageFolder);
            throw;
        }
    }

    /// <summary>Joins the cluster at <paramref name="seeds"/> as a client and picks its least-loaded executor.</summary>
    /// <param name="seeds">Seed nodes as <c>host:port</c> or <c>akka.tcp://media@host:port</c>.</param>
    /// <param name="hostname">Address this client binds and advertises; the executors must reach it.</param>
    /// <param name="timeout">How long to wait for an executor to be up and reachable.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="tlsCertificate">For a cluster that speaks mutual TLS: this client's certificate (.pfx); null for plain TCP.</param>
    /// <param name="tlsCa">With <paramref name="tlsCertificate"/>: the CA that signed every member's certificate.</param>
    /// <param name="tlsPassword">The password of <paramref name="tlsCertificate"/>, when it has one.</param>
    /// <exception cref="ArgumentException">A seed is malformed, or a TLS file is unusable; the message says which.</exception>
    /// <exception cref="TimeoutException">No executor was found in time; the message names the seeds.</exception>
    public static async Task<ExecutorConnection> JoinAsync(
        IReadOnlyList<string> seeds, string hostname, TimeSpan timeout, CancellationToken cancellationToken,
        string? tlsCertificate = null, string? tlsCa = null, string? tlsPassword = null)
    {
        var options = Options(seeds, hostname, timeout, tlsCertificate, tlsCa, tlsPassword);
        var client = await MediaClient.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        return new ExecutorConnection(client, $"least-loaded of {client.Executors.Count} executor(s) in the cluster at {string.Join(", ", client.Seeds)}", null, null);
    }

    /// <summary>Like <see cref="ClusterSeeds.Normalize"/>, with the reason in <paramref name="error"/> instead of an exception.</summary>
    public static bool TryNormalizeSeed(string seed, out string address, out string error, bool tls = false) =>
        ClusterSeeds.TryNormalize(seed, out address, out error, tls: tls);

    /// <summary>
    /// Leaves the cluster (terminating the client), then stops the in-process executor node if one was
    /// started and deletes its package folder.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        // Shutting down on loopback, DotNetty warns about channels closing in the wrong order: harmless, and not news to the user.
        Client.EventStream.SetLogLevel(LogLevel.ErrorLevel);
        _executorNode?.EventStream.SetLogLevel(LogLevel.ErrorLevel);
        await _client.DisposeAsync().ConfigureAwait(false);
        if (_executorNode is not null)
        {
            await _executorNode.Terminate().ConfigureAwait(false);
        }

        if (_packageFolder is not null)
        {
            DeleteFolder(_packageFolder);
        }
    }

    /// <summary>
    /// What every node of the sample's cluster shares: the cluster provider, quick gossip for a loopback
    /// cluster that forms in well under a second, and no exit of the process by Akka itself (the sample
    /// decides its exit code). Warnings are logged; connections coming and going and the stdout logger's
    /// start-up and shutdown chatter are not, since the sample reports any failure in its own words.
    /// </summary>
    private static Config NodeConfig { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = ERROR
        akka.remote.log-remote-lifecycle-events = off
        akka.actor.provider = cluster
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver.stable-after = 5s
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    private static MediaClientOptions Options(
        IReadOnlyList<string> seeds, string hostname, TimeSpan timeout, string? tlsCertificate = null, string? tlsCa = null, string? tlsPassword = null) => new()
    {
        TlsCertificate = tlsCertificate,
        TlsCa = tlsCa,
        TlsPassword = tlsPassword,
        Seeds = seeds,
        Hostname = hostname,
        SystemName = SystemName,
        ExecutorRole = ExecutorRole,
        ExecutorTimeout = timeout,
        Config = NodeConfig,
    };

    private static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary folder left behind is harmless; the run's result does not depend on it.
        }
    }
}
