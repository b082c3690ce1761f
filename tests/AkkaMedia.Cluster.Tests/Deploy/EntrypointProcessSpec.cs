using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AkkaMedia.Cluster.Tests.Edge;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// deploy/entrypoint.sh against real processes, configured as a container is, by environment variables only, with
/// <c>AKKAMEDIA_EXEC</c> pointing at the built host instead of the image's <c>/app/akkamedia.dll</c>.
/// </summary>
public sealed partial class EntrypointProcessSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Entrypoint_must_start_an_executor_and_a_serve_joined_to_it_and_let_SIGTERM_reach_each_host()
    {
        await using var node = Start(new()
        {
            ["AKKAMEDIA_COMMAND"] = "node",
            ["AKKAMEDIA_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_PORT"] = "0",
            ["AKKAMEDIA_HTTP_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_HTTP_PORT"] = "0",
            ["AKKAMEDIA_ADMIN_PORT"] = "0",
            ["AKKAMEDIA_DRAIN_TIMEOUT"] = "5",
        });
        var address = (await node.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal), Patience, "READY line"))["READY ".Length..].Trim();
        var nodeUrl = (await node.WaitForLineAsync(l => l.StartsWith("HTTP ", StringComparison.Ordinal), Patience, "HTTP line"))["HTTP ".Length..].Trim();

        await using var serve = Start(new()
        {
            ["AKKAMEDIA_COMMAND"] = "serve",
            ["AKKAMEDIA_PIPELINE"] = TestPaths.Hocon("pipelines/live-loopback.conf"),
            ["AKKAMEDIA_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_SEEDS"] = address,
            ["AKKAMEDIA_HTTP_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_HTTP_PORT"] = "0",
        });
        var ready = await serve.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal) && Url().IsMatch(l), Patience, "READY line with the URL");
        var serveUrl = Url().Match(ready).Value;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{nodeUrl}/readyz")).StatusCode), Patience);
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{serveUrl}/readyz")).StatusCode), Patience);

        // The signal goes to the process the entrypoint started as: only when the script exec'ed the host does the host
        // get it and stop gracefully with exit code 0 (a shell in between would die of it, 143, and leave the host running).
        serve.Terminate();
        Assert.Equal(0, await serve.WaitForExitAsync(Patience));
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(Patience));
        await node.WaitForLineAsync(l => l.StartsWith("node: drained: ", StringComparison.Ordinal), Patience, "drained line");
    }

    [Fact]
    public async Task Entrypoint_must_join_an_executor_and_a_serve_by_config_discovery_as_compose_does()
    {
        var management = FreePort();
        var endpoints = $"127.0.0.1:{management}";
        await using var node = Start(new()
        {
            ["AKKAMEDIA_COMMAND"] = "node",
            ["AKKAMEDIA_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_PORT"] = "0",
            ["AKKAMEDIA_DISCOVERY"] = "config",
            ["AKKAMEDIA_DISCOVERY_ENDPOINTS"] = endpoints,
            ["AKKAMEDIA_MANAGEMENT_PORT"] = management,
            ["AKKAMEDIA_HTTP_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_HTTP_PORT"] = "0",
            ["AKKAMEDIA_ADMIN_PORT"] = "0",
        });
        await node.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal), Patience, "READY line");

        // serve never forms a cluster: its only way in is the executor's contact point on AKKAMEDIA_MANAGEMENT_PORT, which
        // names the cluster the executor formed. Ready means it joined.
        await using var serve = Start(new()
        {
            ["AKKAMEDIA_COMMAND"] = "serve",
            ["AKKAMEDIA_PIPELINE"] = TestPaths.Hocon("pipelines/live-loopback.conf"),
            ["AKKAMEDIA_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_DISCOVERY"] = "config",
            ["AKKAMEDIA_DISCOVERY_ENDPOINTS"] = endpoints,
            ["AKKAMEDIA_HTTP_HOSTNAME"] = "127.0.0.1",
            ["AKKAMEDIA_HTTP_PORT"] = "0",
        });
        var ready = await serve.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal) && Url().IsMatch(l), Patience, "READY line with the URL");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{Url().Match(ready).Value}/readyz")).StatusCode), Patience);
    }

    /// <summary>A TCP port nothing listens on at the moment (the management port takes no 0).</summary>
    private static string FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The entrypoint with <paramref name="variables"/> and no AKKAMEDIA_* variable of this process.</summary>
    private static HostProcess Start(Dictionary<string, string?> variables)
    {
        Assert.True(File.Exists(TestPaths.HostDll), $"The akkamedia binary is not built at {TestPaths.HostDll}.");
        Assert.DoesNotContain(' ', TestPaths.HostDll);
        foreach (var inherited in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("AKKAMEDIA_", StringComparison.Ordinal)))
        {
            variables.TryAdd(inherited, null);
        }

        variables["AKKAMEDIA_EXEC"] = $"dotnet {TestPaths.HostDll}";
        return HostProcess.StartCommand(DeployFiles.Entrypoint, [], environment: variables);
    }

    [GeneratedRegex(@"http://[^\s""']+")]
    private static partial Regex Url();
}
