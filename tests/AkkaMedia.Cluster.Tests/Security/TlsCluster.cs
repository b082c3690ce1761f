using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.Cluster.Tests.Security;

/// <summary>
/// A class fixture: certificates made with <c>akkamedia cert create</c> (the cluster's CA with <c>executor</c> and
/// <c>client</c>, and a stranger's CA with <c>stranger</c>), and one executor process speaking mutual TLS with its media
/// link on a known port. Everything is removed on dispose.
/// </summary>
public sealed class TlsCluster : IAsyncLifetime
{
    private NodeProcess? _executor;

    /// <summary>The folder of the cluster's certificates (<c>ca.crt</c>, <c>executor.pfx</c>, <c>client.pfx</c>).</summary>
    public string Certificates { get; } = Path.Combine(Path.GetTempPath(), "akkamedia-tls-" + Guid.NewGuid().ToString("N")[..10]);

    /// <summary>The folder of the stranger's certificates (<c>ca.crt</c>, <c>stranger.pfx</c>).</summary>
    public string Strangers => Path.Combine(Certificates, "strangers");

    /// <summary>The executor node.</summary>
    public NodeProcess Executor => _executor ?? throw new InvalidOperationException("The executor has not started.");

    /// <summary>The executor's Akka.Remote port.</summary>
    public int Port { get; } = FreePort();

    /// <summary>The executor's media link port.</summary>
    public int LinkPort { get; } = FreePort();

    /// <summary>The executor's admin port.</summary>
    public int AdminPort { get; } = FreePort();

    /// <summary>The TLS flags of a node with the certificate <paramref name="name"/> of the cluster (or of the stranger's CA).</summary>
    public string[] Flags(string name, bool stranger = false)
    {
        var folder = stranger ? Strangers : Certificates;
        return ["--tls", Path.Combine(folder, name + ".pfx"), "--tls-ca", Path.Combine(folder, "ca.crt")];
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await CreateAsync(Certificates, "executor,client");
        await CreateAsync(Strangers, "stranger");
        var config = Path.Combine(Certificates, "link.conf");
        await File.WriteAllTextAsync(config, $"akka-media.executor.link.port = {LinkPort}\n");
        _executor = await NodeProcess.StartAsync(
            ["--port", Port.ToString(), "--admin-port", AdminPort.ToString(), "--config", config, .. Flags("executor")]);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_executor is not null)
        {
            await _executor.DisposeAsync();
        }

        Directory.Delete(Certificates, recursive: true);
    }

    private static async Task CreateAsync(string folder, string names)
    {
        await using var cert = HostProcess.Start(["cert", "create", "--out", folder, "--names", names]);
        var exit = await cert.WaitForExitAsync(TimeSpan.FromSeconds(60));
        if (exit != 0)
        {
            throw new InvalidOperationException($"akkamedia cert create failed ({exit}).{Environment.NewLine}{cert.Transcript}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
