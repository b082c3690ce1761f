using AkkaMedia.Host.Admin;
using AkkaMedia.Host.Hosting;

namespace AkkaMedia.Host.Tests.Admin;

/// <summary>
/// An executor node and a client node in this process (the demo's embedded cluster) with an admin server on the
/// executor node at a free loopback port. Disposing stops the server and both nodes.
/// </summary>
public sealed class AdminClusterFixture : IAsyncLifetime
{
    private EmbeddedCluster? _cluster;
    private AdminServer? _server;

    internal EmbeddedCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    internal AdminServer Server => _server ?? throw new InvalidOperationException("Not started.");

    internal AdminSettings Settings { get; private set; } = null!;

    public int Port => Server.Endpoint.Port;

    public async Task InitializeAsync()
    {
        _cluster = await EmbeddedCluster.StartAsync(CancellationToken.None);
        Settings = AdminSettings.Create(_cluster.ExecutorNode.Settings.Config) with { Port = 0 };
        _server = AdminServer.Start(_cluster.ExecutorNode, Settings);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Runs <c>akkamedia cmd</c>'s client against <paramref name="port"/> (default: this fixture's server).</summary>
    internal static async Task<(int ExitCode, string Stdout, string Stderr)> CmdAsync(int port, string? token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AdminClient.RunAsync("127.0.0.1", port, token, args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    internal Task<(int ExitCode, string Stdout, string Stderr)> CmdAsync(params string[] args) => CmdAsync(Port, null, args);
}
