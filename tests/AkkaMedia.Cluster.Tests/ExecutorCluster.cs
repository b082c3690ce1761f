using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;

namespace AkkaMedia.Cluster.Tests;

/// <summary>
/// A cluster of real <c>akkamedia node</c> executor processes on loopback and a client actor system in
/// the test process joined to it with the deployable client configuration (<c>hocon/client.conf</c>
/// over <c>hocon/base.conf</c> over Core's defaults). Disposing terminates the client and kills every
/// node, whatever state the test left them in.
/// </summary>
public sealed class ExecutorCluster : IAsyncDisposable
{
    /// <summary>How long a stream or session may take to show an effect on a busy machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<NodeProcess> _executors;
    private readonly string[] _executorArgs;

    private ExecutorCluster(List<NodeProcess> executors, string[] executorArgs, ActorSystem client, string folder)
    {
        _executors = executors;
        _executorArgs = executorArgs;
        Client = client;
        Materializer = client.Materializer();
        Folder = folder;
    }

    /// <summary>The executor nodes, the first being the seed.</summary>
    public IReadOnlyList<NodeProcess> Executors => _executors;

    /// <summary>The seed to give joining nodes and <c>akkamedia run</c>.</summary>
    public string Seed => _executors[0].Address;

    /// <summary>The in-test client node: its streams place remote stages on the executors.</summary>
    public ActorSystem Client { get; }

    /// <summary>A materializer of <see cref="Client"/>.</summary>
    public IMaterializer Materializer { get; }

    /// <summary>A scratch folder for files of this cluster's tests; deleted on dispose.</summary>
    public string Folder { get; }

    /// <summary>
    /// Starts <paramref name="executors"/> executor processes and the client. With
    /// <paramref name="documentedSeedForm"/> the first node listens on a free port chosen here and seeds
    /// itself as <c>127.0.0.1:port</c>, and the others join it as <c>akka.tcp://media@127.0.0.1:port</c>
    /// (the forms the operations guide shows); otherwise every node takes any free port and the first
    /// starts a cluster of its own. <paramref name="clientConfig"/> goes over the client's configuration.
    /// <paramref name="executorConfig"/>, given the cluster's <see cref="Folder"/>, is HOCON every executor (those of
    /// <see cref="AddExecutorAsync"/> too) reads with <c>--config</c>; not with <paramref name="documentedSeedForm"/>.
    /// </summary>
    public static async Task<ExecutorCluster> StartAsync(int executors, bool documentedSeedForm = false, Config? clientConfig = null, Func<string, string>? executorConfig = null)
    {
        if (documentedSeedForm && executorConfig is not null)
        {
            throw new ArgumentException("The documented seed form starts its seed with a configuration file of its own.", nameof(executorConfig));
        }

        var folder = Path.Combine(Path.GetTempPath(), "akkamedia-cluster-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string[] executorArgs = [];
        if (executorConfig is not null)
        {
            var file = Path.Combine(folder, "executor.conf");
            await File.WriteAllTextAsync(file, executorConfig(folder)).ConfigureAwait(false);
            executorArgs = ["--config", file];
        }

        var nodes = new List<NodeProcess>();
        ActorSystem? client = null;
        try
        {
            nodes.Add(documentedSeedForm ? await StartSeedOnFreePortAsync(folder).ConfigureAwait(false) : await NodeProcess.StartAsync(["--port", "0", .. executorArgs]).ConfigureAwait(false));
            var seed = nodes[0].Address;
            var joining = Enumerable.Range(1, executors - 1)
                .Select(_ => NodeProcess.StartAsync(["--port", "0", "--seeds", documentedSeedForm ? seed : HostPort(seed), .. executorArgs]))
                .ToList();
            try
            {
                await Task.WhenAll(joining).ConfigureAwait(false);
            }
            finally
            {
                nodes.AddRange(joining.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            client = MediaActorSystem.Create("media", (clientConfig ?? Config.Empty).WithFallback(ClientConfig(seed)));
            var cluster = new ExecutorCluster(nodes, executorArgs, client, folder);
            await cluster.WaitUntilClientSeesAsync(nodes.Select(n => n.Address)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            if (client is not null)
            {
                await client.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Configuration of an in-test client node joining <paramref name="seed"/>: the deployable client files,
    /// with the process-exit hooks off (the test process outlives its actor systems).
    /// </summary>
    public static Config ClientConfig(string seed) =>
        ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.seed-nodes = ["{{seed}}"]
            akka.cluster.roles = [client]
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            akka.coordinated-shutdown.exit-clr = off
            """)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(TestPaths.Hocon("client.conf"))))
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(TestPaths.Hocon("base.conf"))));

    /// <summary>Starts one more executor joining this cluster; the caller disposes it (or the cluster does).</summary>
    public async Task<NodeProcess> AddExecutorAsync()
    {
        var node = await NodeProcess.StartAsync(["--port", "0", "--seeds", Seed, .. _executorArgs]).ConfigureAwait(false);
        _executors.Add(node);
        await WaitUntilClientSeesAsync([node.Address]).ConfigureAwait(false);
        return node;
    }

    /// <summary>The status the executor at <paramref name="address"/> reports now.</summary>
    public Task<ExecutorStatus> StatusAsync(string address) =>
        Client.ActorSelection(address + "/user/akka-media-executor").Ask<ExecutorStatus>(GetExecutorStatus.Instance, TimeSpan.FromSeconds(10));

    /// <summary>Active sessions of every executor whose process still runs, by address.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ActiveSessionsAsync()
    {
        var live = _executors.Where(e => !e.Process.HasExited).ToList();
        var statuses = await Task.WhenAll(live.Select(e => StatusAsync(e.Address))).ConfigureAwait(false);
        return live.Zip(statuses).ToDictionary(p => p.First.Address, p => p.Second.ActiveSessions);
    }

    /// <summary>Everything the node processes wrote, for failure messages.</summary>
    public string Transcripts => string.Join(Environment.NewLine, _executors.Select(e => e.Process.Transcript));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        }
        finally
        {
            foreach (var node in _executors)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }

    private static string HostPort(string address) => address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];

    /// <summary>
    /// The seed node on a port picked here. The node refuses to share a port (reuse-addr off), so a port
    /// taken between the pick and the bind makes it fail to start, and another port is tried.
    /// </summary>
    private static async Task<NodeProcess> StartSeedOnFreePortAsync(string folder)
    {
        var config = Path.Combine(folder, "exclusive-port.conf");
        await File.WriteAllTextAsync(config, "akka.remote.dot-netty.tcp.reuse-addr = off\n").ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                return await NodeProcess.StartAsync("--port", port, "--seeds", "127.0.0.1:" + port, "--config", config).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The process ended before READY: most likely the port was taken meanwhile.
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilClientSeesAsync(IEnumerable<string> addresses)
    {
        var expected = addresses.ToHashSet(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + NodeProcess.StartTimeout;
        var directory = ExecutorDirectory.Get(Client);
        while (true)
        {
            var seen = (await directory.GetExecutorsAsync("executor", TimeSpan.FromSeconds(5)).ConfigureAwait(false)).Select(e => e.Address).ToHashSet(StringComparer.Ordinal);
            if (expected.IsSubsetOf(seen))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The client saw executors [{string.Join(", ", seen)}] but not all of [{string.Join(", ", expected)}].{Environment.NewLine}{Transcripts}");
            }

            // The directory answers at once when it knows any executor: poll until it knows all of them.
            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
