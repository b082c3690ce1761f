using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Executor;
using AkkaMedia.Host.Logs;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;

namespace AkkaMedia.Host.Hosting;

/// <summary>
/// An executor node and a client node in one process, joined over real loopback remoting on free
/// ports: the setting of the embedded demo. Disposing terminates both.
/// </summary>
internal sealed class EmbeddedCluster : IAsyncDisposable
{
    private EmbeddedCluster(ActorSystem executor, ActorSystem client)
    {
        ExecutorNode = executor;
        Client = client;
        ExecutorAddress = ((ExtendedActorSystem)executor).Provider.DefaultAddress.ToString();
    }

    /// <summary>The node that runs remote stages.</summary>
    public ActorSystem ExecutorNode { get; }

    /// <summary>The node that runs the pipeline.</summary>
    public ActorSystem Client { get; }

    /// <summary>The executor node's address, <c>akka.tcp://media@127.0.0.1:port</c>.</summary>
    public string ExecutorAddress { get; }

    /// <summary>Starts both nodes, logging as text to standard error, and completes when the client sees the executor ready.</summary>
    public static Task<EmbeddedCluster> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(HostLog.Create(LogFormat.Text, Console.Error), cancellationToken);

    /// <summary>Starts both nodes, logging into <paramref name="log"/> (owned by the caller), and completes when the client sees the executor ready.</summary>
    public static async Task<EmbeddedCluster> StartAsync(HostLog log, CancellationToken cancellationToken)
    {
        var demo = HostConfig.Embedded("demo.conf");
        var executor = ClusterNode.Start(Layer(demo, "executor.conf", "executor"), log);
        ActorSystem? client = null;
        try
        {
            var executorAddress = ((ExtendedActorSystem)executor).Provider.DefaultAddress;
            MediaExecutor.Start(executor, HostNodes.CreateRegistry());
            Cluster.Get(executor).Join(executorAddress);
            client = ClusterNode.Start(Layer(demo, "client.conf", "client"), log);
            Cluster.Get(client).Join(executorAddress);
            var cluster = new EmbeddedCluster(executor, client);
            var found = await ExecutorDirectory.Get(client).GetExecutorsAsync("executor", TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                throw new TimeoutException("The embedded executor did not become ready within 20 s.");
            }

            return cluster;
        }
        catch
        {
            await Task.WhenAll(executor.Terminate(), client?.Terminate() ?? Task.CompletedTask).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Client.Terminate().ConfigureAwait(false);
        await ExecutorNode.Terminate().ConfigureAwait(false);
    }

    private static Config Layer(Config demo, string roleFile, string role) =>
        ConfigurationFactory.ParseString($"akka.cluster.roles = [{role}]\nakka.cluster.seed-nodes = []")
            .WithFallback(demo)
            .WithFallback(HostConfig.Embedded(roleFile))
            .WithFallback(HostConfig.Embedded("base.conf"))
            .WithFallback(ExecutorSettings.DefaultConfig)
            .WithFallback(AkkaMediaConfig.Default);
}
