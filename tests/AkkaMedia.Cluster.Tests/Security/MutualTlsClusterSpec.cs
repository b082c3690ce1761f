using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace AkkaMedia.Cluster.Tests.Security;

/// <summary>
/// An executor started with <c>--tls</c> and <c>--tls-ca</c>: a client with a certificate of the cluster's CA runs a
/// remote pipeline and ships code; a client whose certificate another CA signed, or that has none, is refused at the
/// remoting port, the media link and the admin port, and can ship nothing; each refusal says why on both sides.
/// </summary>
public sealed class MutualTlsClusterSpec(TlsCluster cluster) : IClassFixture<TlsCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly string CalculatorDll = Path.Combine(
        TestPaths.RepositoryRoot, "samples", "RemoteCalculator", "bin", TestPaths.Configuration, "net10.0", "RemoteCalculator.dll");

    [Fact]
    public async Task A_client_certified_by_the_clusters_CA_must_run_a_remote_pipeline_and_ship_code_over_TLS()
    {
        Assert.StartsWith("akka.ssl.tcp://", cluster.Executor.Address);
        var folder = Directory.CreateTempSubdirectory("akkamedia-tls-run").FullName;
        try
        {
            var input = Path.Combine(folder, "in.wav");
            var output = Path.Combine(folder, "out.wav");
            TestAudio.WriteWav(input, 1.0);
            await using var run = HostProcess.Start(
                ["run", TestPaths.Hocon("pipelines/echo.conf"), "--seeds", $"127.0.0.1:{cluster.Port}", "--input", input, "--output", output, .. cluster.Flags("client")]);
            Assert.True(await run.WaitForExitAsync(Timeout) == 0, run.Transcript);
            Assert.True(new FileInfo(output).Length > 44, run.Transcript);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        await using var ship = Calculator(cluster.Flags("client"));
        Assert.True(await ship.WaitForExitAsync(Timeout) == 0, ship.Transcript);
        await ship.WaitForLineAsync(l => l == "calculator: OK", TimeSpan.FromSeconds(5), "calculator: OK");
    }

    [Fact]
    public async Task A_client_whose_certificate_another_CA_signed_must_be_refused_at_join_and_ship_no_code()
    {
        await using var run = HostProcess.Start(
            ["run", TestPaths.Hocon("pipelines/echo.conf"), "--seeds", $"127.0.0.1:{cluster.Port}", "--input", "missing-is-fine.wav", .. cluster.Flags("stranger", stranger: true)]);
        Assert.Equal(1, await run.WaitForExitAsync(Timeout));

        // The stranger does not trust the executor either, so it learns first: its own node stops, saying why.
        await using var ship = Calculator(cluster.Flags("stranger", stranger: true));
        Assert.Equal(1, await ship.WaitForExitAsync(Timeout));
        var failure = ship.ErrorLines.Single(l => l.StartsWith("calculator: FAILED", StringComparison.Ordinal));
        Assert.Contains("TLS handshake", failure);
        Assert.Contains("--tls-ca", failure);

        // A stranger that trusts the executor's CA still shows its own certificate, which the executor refuses.
        await using var trusting = Calculator(
            ["--tls", Path.Combine(cluster.Strangers, "stranger.pfx"), "--tls-ca", Path.Combine(cluster.Certificates, "ca.crt"), "--connect-timeout", "10"]);
        Assert.Equal(1, await trusting.WaitForExitAsync(Timeout));
        var refusal = await cluster.Executor.Process.WaitForLogLineAsync(
            l => l.Contains("Refused the TLS connection", StringComparison.Ordinal) && l.Contains("CN=stranger", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the executor's refusal of the stranger's certificate");
        Assert.Contains("not signed by this cluster's CA", refusal);
    }

    [Fact]
    public async Task A_client_without_TLS_must_not_join_and_be_told_the_cluster_may_speak_TLS()
    {
        await using var ship = Calculator(["--connect-timeout", "8"]);
        Assert.Equal(1, await ship.WaitForExitAsync(Timeout));
        var failure = ship.ErrorLines.Single(l => l.StartsWith("calculator: FAILED", StringComparison.Ordinal));
        Assert.Contains("speaks TLS", failure);
        await cluster.Executor.Process.WaitForLogLineAsync(
            l => l.Contains("TLS handshake failure", StringComparison.Ordinal) || l.Contains("not an SSL/TLS record", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the executor's refusal of a plain connection");
    }

    [Fact]
    public async Task The_media_link_must_refuse_a_stranger_and_a_plain_connection()
    {
        using (var socket = await ConnectAsync(cluster.LinkPort))
        {
            await using var secure = new SslStream(new NetworkStream(socket, ownsSocket: false), false, (_, _, _, _) => true);
            using var stranger = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(cluster.Strangers, "stranger.pfx"), null);
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await secure.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "executor",
                    ClientCertificates = [stranger],
                }).WaitAsync(Timeout);
                var read = await secure.ReadAsync(new byte[16]).AsTask().WaitAsync(Timeout);
                Assert.Equal(0, read);
                throw new IOException("closed without a byte");
            });
        }

        var refusal = await cluster.Executor.Process.WaitForLogLineAsync(
            l => l.Contains("Media link server", StringComparison.Ordinal) && l.Contains("CN=stranger", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the media link's refusal of the stranger");
        Assert.Contains("not signed by this cluster's CA", refusal);

        using (var plain = await ConnectAsync(cluster.LinkPort))
        {
            await plain.SendAsync(new byte[] { 13, 0, 0, 0, 1, 1, 0, 0, 0, 104, 101, 108, 108, 111, 0, 0, 0 });
            var buffer = new byte[512];
            int read;
            do
            {
                read = await plain.ReceiveAsync(buffer).WaitAsync(Timeout);
            }
            while (read > 0);
        }

        await cluster.Executor.Process.WaitForLogLineAsync(
            l => l.Contains("Media link server", StringComparison.Ordinal) && l.Contains("TLS handshake failed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the media link's refusal of a plain connection");
    }

    [Fact]
    public async Task The_admin_port_must_serve_a_certified_cmd_and_refuse_a_stranger_and_a_plain_one()
    {
        await using var certified = HostProcess.Start(["cmd", "--port", cluster.AdminPort.ToString(), .. cluster.Flags("client"), "cluster", "show"]);
        Assert.True(await certified.WaitForExitAsync(Timeout) == 0, certified.Transcript);
        await certified.WaitForLineAsync(l => l.Contains("Up", StringComparison.Ordinal) && l.Contains("akka.ssl.tcp://", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the member list");

        await using var stranger = HostProcess.Start(["cmd", "--port", cluster.AdminPort.ToString(), .. cluster.Flags("stranger", stranger: true), "cluster", "show"]);
        Assert.Equal(1, await stranger.WaitForExitAsync(Timeout));
        Assert.Contains(stranger.ErrorLines, l => l.Contains("does not trust the node", StringComparison.Ordinal));

        await using var plain = HostProcess.Start(["cmd", "--port", cluster.AdminPort.ToString(), "cluster", "show"]);
        Assert.Equal(1, await plain.WaitForExitAsync(Timeout));
        await cluster.Executor.Process.WaitForLogLineAsync(
            l => l.Contains("Admin server: refused", StringComparison.Ordinal) && l.Contains("TLS handshake failed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the admin server's refusal of a plain cmd");
    }

    [Fact]
    public async Task Serve_with_TLS_must_answer_over_HTTPS_and_carry_a_live_session_over_WSS_through_the_TLS_cluster()
    {
        await using var serve = HostProcess.Start(
            ["serve", TestPaths.Hocon("pipelines/live-loopback.conf"), "--seeds", $"127.0.0.1:{cluster.Port}", "--http-port", "0", .. cluster.Flags("client")]);
        var ready = await serve.WaitForLineAsync(l => l.StartsWith("READY https://", StringComparison.Ordinal), NodeProcess.StartTimeout, "READY with an https URL");
        Assert.Contains("wss://", ready);
        var url = new Uri(ready.Split(' ')[1]);

        using var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(cluster.Certificates, "ca.crt"));
        bool Trusted(X509Certificate? certificate)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        }

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Trusted(certificate) };
        using var http = new HttpClient(handler);
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(url, "/healthz")));

        await using var client = await Edge.LiveClient.StartAsync(url, (_, certificate, _, _) => Trusted(certificate));
        await client.StreamAsync(i => Edge.LiveClient.TonePacket(i, 0.3), maxAhead: 10, count: 25);
        await client.WaitUntilAsync(() => client.PacketsReceived >= 20, Edge.LiveClient.Patience, "the tone back through the remote stage");

        // A plain HTTP request to the HTTPS port gets no answer it could read.
        using var plainHttp = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plainHttp.GetStringAsync(new UriBuilder(url) { Scheme = "http", Path = "/healthz" }.Uri));
    }

    /// <summary>The RemoteCalculator sample, which ships a user's class to an executor of the cluster, with <paramref name="extra"/> flags.</summary>
    private HostProcess Calculator(IReadOnlyList<string> extra)
    {
        Assert.True(File.Exists(CalculatorDll), $"The RemoteCalculator sample is not built at {CalculatorDll} (dotnet build AkkaMedia.sln builds it).");
        return HostProcess.StartCommand("dotnet", [CalculatorDll, "--seeds", $"127.0.0.1:{cluster.Port}", .. extra]);
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }
}
