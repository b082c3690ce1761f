using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using AkkaMedia.TestKit;

namespace AkkaMedia.Samples;

/// <summary>
/// The client actor system the pipeline runs in and the executor its remote stage is pinned to:
/// either an executor started in this process (real loopback remoting, two actor systems) or one
/// found in a running cluster reached through seed nodes. Disposing leaves the cluster and stops
/// whatever was started here.
/// </summary>
internal sealed class ExecutorConnection : IAsyncDisposable
{
    private const string SystemName = "media";
    private const string ExecutorRole = "executor";

    private readonly ExecutorFixture? _fixture;

    private ExecutorConnection(ActorSystem client, string executorAddress, string origin, ExecutorFixture? fixture)
    {
        Client = client;
        ExecutorAddress = executorAddress;
        Origin = origin;
        _fixture = fixture;
    }

    /// <summary>The client actor system (named <c>media</c>, cluster provider, role <c>client</c>).</summary>
    public ActorSystem Client { get; }

    /// <summary>The executor the remote stage runs on, <c>akka.tcp://media@host:port</c>.</summary>
    public string ExecutorAddress { get; }

    /// <summary>Where that executor came from, for the report.</summary>
    public string Origin { get; }

    /// <summary>Starts an executor node serving the built-in nodes in this process and joins it.</summary>
    public static async Task<ExecutorConnection> StartInProcessAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fixture = new ExecutorFixture(BuiltInNodes.CreateRegistry());
        ActorSystem? client = null;
        try
        {
            client = fixture.CreateClient(ConfigurationFactory.ParseString("akka.cluster.roles = [client]"));
            await fixture.WaitForExecutorAsync(client, timeout).WaitAsync(cancellationToken).ConfigureAwait(false);
            return new ExecutorConnection(client, fixture.Address, "in-process executor started for this run", fixture);
        }
        catch
        {
            if (client is not null)
            {
                await client.Terminate().ConfigureAwait(false);
            }

            await fixture.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Joins the cluster at <paramref name="seeds"/> as a client and picks its least-loaded executor.</summary>
    /// <param name="seeds">Seed nodes as <c>host:port</c> or <c>akka.tcp://media@host:port</c>.</param>
    /// <param name="hostname">Address this client binds and advertises; the executors must reach it.</param>
    /// <param name="timeout">How long to wait for an executor to be up and reachable.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="ArgumentException">A seed is malformed; the message shows the accepted forms.</exception>
    /// <exception cref="TimeoutException">No executor was found in time; the message names the seeds.</exception>
    public static async Task<ExecutorConnection> JoinAsync(IReadOnlyList<string> seeds, string hostname, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var normalized = seeds.Select(NormalizeSeed).ToList();
        var config = ConfigurationFactory.ParseString($$"""
                akka.remote.dot-netty.tcp.hostname = "{{hostname}}"
                akka.remote.dot-netty.tcp.port = 0
                akka.cluster.seed-nodes = [{{string.Join(", ", normalized.Select(s => $"\"{s}\""))}}]
                akka.cluster.roles = [client]
                """)
            .WithFallback(ExecutorFixture.BaseConfig)
            .WithFallback(AkkaMediaConfig.Default);
        var client = MediaActorSystem.Create(SystemName, config);
        try
        {
            var executors = await ExecutorDirectory.Get(client)
                .GetExecutorsAsync(ExecutorRole, timeout, cancellationToken)
                .ConfigureAwait(false);
            if (executors.Count == 0)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"No node with role '{ExecutorRole}' was up in the cluster at {string.Join(", ", normalized)} within {timeout.TotalSeconds:0} s. Is an `akkamedia node` with the executor role running there?"));
            }

            return new ExecutorConnection(client, executors[0].Address, $"least-loaded of {executors.Count} executor(s) in the cluster at {string.Join(", ", normalized)}", null);
        }
        catch
        {
            await client.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Turns <c>host:port</c> into <c>akka.tcp://media@host:port</c>; full addresses pass unchanged.</summary>
    /// <exception cref="ArgumentException">The seed is neither form; the message shows both.</exception>
    public static string NormalizeSeed(string seed) =>
        TryNormalizeSeed(seed, out var address, out var error) ? address : throw new ArgumentException(error, nameof(seed));

    /// <summary>Like <see cref="NormalizeSeed"/>, with the reason in <paramref name="error"/> instead of an exception.</summary>
    public static bool TryNormalizeSeed(string seed, out string address, out string error)
    {
        var text = seed.Trim().TrimEnd('/');
        var full = text.StartsWith("akka.tcp://", StringComparison.Ordinal);
        var colon = text.LastIndexOf(':');
        var hostStart = full ? text.IndexOf('@', StringComparison.Ordinal) + 1 : 0;
        if (colon > hostStart && hostStart >= (full ? 1 : 0)
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            address = full ? text : $"akka.tcp://{SystemName}@{text[..colon]}:{port}";
            error = string.Empty;
            return true;
        }

        address = string.Empty;
        error = $"Seed '{seed}' is not valid: use host:port (127.0.0.1:4053) or akka.tcp://{SystemName}@host:port.";
        return false;
    }

    /// <summary>Leaves the cluster (terminating the client), then stops the in-process executor if one was started.</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.Terminate().ConfigureAwait(false);
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync().ConfigureAwait(false);
        }
    }
}
