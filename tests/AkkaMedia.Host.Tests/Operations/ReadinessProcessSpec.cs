using System.Globalization;
using System.Net;
using AkkaMedia.Samples.Tests.Processes;

namespace AkkaMedia.Host.Tests.Operations;

/// <summary>
/// <c>/readyz</c> of real <c>akkamedia node</c> processes: a node whose seed is not running yet is alive but not ready,
/// with a reason naming the seed; once the seed starts and the node joins, it is ready. Every process is killed
/// whatever the outcome.
/// </summary>
public sealed class ReadinessProcessSpec : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static string Host => Path.Combine(AppContext.BaseDirectory, "akkamedia.dll");

    [Fact]
    public async Task Readyz_must_be_503_naming_the_seed_before_the_node_joins_and_200_once_it_is_an_Up_member()
    {
        var seedPort = LoopbackPort.Free();
        var port = LoopbackPort.Free();
        var httpPort = LoopbackPort.Free();
        var url = $"http://127.0.0.1:{httpPort}";
        await using var node = ChildProcess.StartDll(
            Host,
            ["node", "--port", Text(port), "--seeds", $"127.0.0.1:{seedPort}", "--admin-port", "0", "--http-port", Text(httpPort)],
            AppContext.BaseDirectory);
        await node.WaitForLineAsync(l => l.StartsWith($"node: HTTP endpoints on {url}", StringComparison.Ordinal), Ready);

        // Nothing listens at the seed's port yet: the node cannot join, deterministically.
        var (healthBefore, _) = await GetAsync(url + "/healthz");
        var (before, beforeBody) = await GetAsync(url + "/readyz");

        Assert.Equal(HttpStatusCode.OK, healthBefore);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before);
        Assert.Equal($"not ready: not a member of the cluster yet (joining akka.tcp://media@127.0.0.1:{seedPort})", beforeBody.Trim());

        await using var seed = ChildProcess.StartDll(
            Host,
            ["node", "--port", Text(seedPort), "--seeds", $"127.0.0.1:{seedPort}", "--admin-port", "0"],
            AppContext.BaseDirectory);
        await node.WaitForLineAsync(l => l == $"HTTP {url}", Ready);

        // The node prints its READY lines once it joined; it becomes Up when the leader next acts, a gossip round later.
        var (after, afterBody) = await GetAsync(url + "/readyz");
        using (var patience = new CancellationTokenSource(Ready))
        {
            while (after != HttpStatusCode.OK && !patience.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                (after, afterBody) = await GetAsync(url + "/readyz");
            }
        }

        Assert.True(after == HttpStatusCode.OK, afterBody + node);
        Assert.StartsWith("ready: an Up member of the cluster, accepting sessions (0/", afterBody);
    }

    public void Dispose() => _http.Dispose();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
    {
        using var response = await _http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
