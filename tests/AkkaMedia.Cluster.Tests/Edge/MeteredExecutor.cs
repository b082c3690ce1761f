namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A real <c>akkamedia node</c> executor with its HTTP endpoints on a free port (<c>--http-port 0</c>; it prints
/// <c>HTTP http://…</c>), so a spec can read its sessions from <c>/metrics</c> as an operator would. Disposing kills it.
/// </summary>
internal sealed class MeteredExecutor : IAsyncDisposable
{
    private MeteredExecutor(NodeProcess node, Uri http)
    {
        Node = node;
        Http = http;
    }

    /// <summary>The node.</summary>
    public NodeProcess Node { get; }

    /// <summary>The cluster address, <c>akka.tcp://media@127.0.0.1:port</c>.</summary>
    public string Address => Node.Address;

    /// <summary>The base URL of its HTTP endpoints.</summary>
    public Uri Http { get; }

    /// <summary>Starts an executor (joining <paramref name="seed"/>, or a cluster of its own when null) and waits for its HTTP line.</summary>
    public static async Task<MeteredExecutor> StartAsync(string? seed = null)
    {
        var node = await NodeProcess.StartAsync(seed is null ? ["--port", "0", "--http-port", "0"] : ["--port", "0", "--http-port", "0", "--seeds", seed]).ConfigureAwait(false);
        try
        {
            var line = await node.Process.WaitForLineAsync(l => l.StartsWith("HTTP ", StringComparison.Ordinal), NodeProcess.StartTimeout, "HTTP line").ConfigureAwait(false);
            return new MeteredExecutor(node, new Uri(line["HTTP ".Length..].Trim()));
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Its <c>/metrics</c> now.</summary>
    public Task<PrometheusText> MetricsAsync(HttpClient http) => PrometheusText.ScrapeAsync(http, Http);

    /// <summary>Sessions its executor runs now (<c>akkamedia_executor_sessions_active</c>, every kind and node type).</summary>
    public async Task<double> ActiveSessionsAsync(HttpClient http) =>
        (await MetricsAsync(http).ConfigureAwait(false)).Value("akkamedia_executor_sessions_active");

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Node.DisposeAsync();
}
