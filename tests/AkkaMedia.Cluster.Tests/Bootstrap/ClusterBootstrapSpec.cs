using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AkkaMedia.Cluster.Tests.Bootstrap;

/// <summary>
/// Cluster formation without fixed seeds: three <c>akkamedia node --discovery config</c> processes started together find
/// each other's contact points, form one cluster, and a client given the same discovery runs a remote stage on it.
/// </summary>
public sealed class ClusterBootstrapSpec : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));
    private readonly List<HostProcess> _processes = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Three_nodes_must_form_one_cluster_through_bootstrap_and_a_client_must_find_it_by_the_same_discovery()
    {
        var managementPorts = FreeLoopbackPorts(3);
        var endpoints = string.Join(',', managementPorts.Select(p => $"127.0.0.1:{p}"));
        var nodes = managementPorts.Select(port => Start(
            ["node", "--port", "0", "--admin-port", "0", "--http-port", "0",
             "--discovery", "config", "--discovery-endpoints", endpoints, "--management-port", Text(port)])).ToList();

        // Started together: none can form the cluster alone (all three contact points are required).
        var ready = await Task.WhenAll(nodes.Select(n => n.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal), NodeProcess.StartTimeout, "READY line")));
        var addresses = ready.Select(l => l["READY ".Length..].Trim()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(3, addresses.Count);

        // Every contact point reports the same three Up members: one cluster, not three.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var port in managementPorts)
        {
            await AssertEventuallyAsync(async () =>
            {
                var members = await MembersAsync(http, port);
                Assert.Equal(addresses, members.Where(m => m.Up).Select(m => m.Address).ToHashSet(StringComparer.Ordinal));
            });
        }

        // A client given the same discovery joins the cluster the executors formed and places its remote stage there.
        var input = Path.Combine(_folder, "in.wav");
        var output = Path.Combine(_folder, "out.wav");
        TestAudio.WriteWav(input, seconds: 1);
        var run = Start(["run", TestPaths.Hocon("pipelines/echo.conf"), "--input", input, "--output", output,
                         "--discovery", "config", "--discovery-endpoints", endpoints]);
        var exitCode = await run.WaitForExitAsync(NodeProcess.StartTimeout + NodeProcess.StartTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{run.Transcript}");
        Assert.Contains("Echo (remote)", run.Transcript, StringComparison.Ordinal);
        Assert.Contains("run: done:", run.Transcript, StringComparison.Ordinal);
        Assert.True(new FileInfo(output).Length > 44, run.Transcript);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a process being killed: the temp folder is cleaned by the system later.
        }
    }

    private HostProcess Start(IReadOnlyList<string> args)
    {
        var process = HostProcess.Start(args);
        _processes.Add(process);
        return process;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task<List<(string Address, bool Up)>> MembersAsync(HttpClient http, int managementPort)
    {
        var json = await http.GetStringAsync(new Uri($"http://127.0.0.1:{Text(managementPort)}/bootstrap/seed-nodes"));
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("Nodes").EnumerateArray()
            .Select(n =>
            {
                var node = n.GetProperty("Node");
                var address = $"{node.GetProperty("Protocol").GetString()}://{node.GetProperty("System").GetString()}@{node.GetProperty("Host").GetString()}:{Text(node.GetProperty("Port").GetInt32())}";

                // Akka.Cluster.MemberStatus.Up is 1 in the contact point's JSON.
                return (address, n.GetProperty("Status").GetInt32() == 1);
            })
            .ToList();
    }

    private static async Task AssertEventuallyAsync(Func<Task> assertion)
    {
        var deadline = DateTime.UtcNow + NodeProcess.StartTimeout;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or HttpRequestException && DateTime.UtcNow < deadline)
            {
                // Gossip has not reached every node yet: ask again shortly.
                await Task.Delay(200);
            }
        }
    }

    private static List<int> FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
