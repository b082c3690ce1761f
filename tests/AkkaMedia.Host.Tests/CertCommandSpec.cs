using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AkkaMedia.Host.Tests;

public sealed class CertCommandSpec : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"), "certs");

    [Fact]
    public async Task Cert_create_must_make_a_CA_and_one_node_certificate_per_name_that_chains_to_it()
    {
        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "executor-1,127.0.0.1");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("created " + Path.Combine(_folder, "ca.crt"), stdout, StringComparison.Ordinal);
        using var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_folder, "ca.crt"));
        Assert.True(authority.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(File.Exists(Path.Combine(_folder, "ca.key")));
        FileModes.AssertOwnerOnly(Path.Combine(_folder, "ca.key"));

        using var executor = LoadPfx("executor-1");
        Assert.True(executor.HasPrivateKey);
        Assert.Equal("CN=executor-1", executor.Subject);
        Assert.Contains("executor-1", executor.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], executor.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.False(executor.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        FileModes.AssertOwnerOnly(Path.Combine(_folder, "executor-1.pfx"));
        AssertChainsTo(authority, executor);

        using var byAddress = LoadPfx("127.0.0.1");
        Assert.Contains(IPAddress.Loopback, byAddress.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
        AssertChainsTo(authority, byAddress);
    }

    [Fact]
    public async Task Two_node_certificates_must_complete_a_mutually_authenticated_TLS_handshake_trusting_only_the_CA()
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "server,client");
        Assert.True(exitCode == 0, stderr);
        using var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_folder, "ca.crt"));
        using var server = LoadPfx("server");
        using var client = LoadPfx("client");

        var (clientName, serverName) = await HandshakeAsync(authority, server, client);

        Assert.Equal("CN=client", clientName);
        Assert.Equal("CN=server", serverName);
    }

    [Fact]
    public async Task A_second_run_must_reuse_the_CA_so_new_nodes_are_trusted_by_the_old_ones()
    {
        await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "a");
        var firstCa = await File.ReadAllBytesAsync(Path.Combine(_folder, "ca.crt"));

        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "b");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("using ", stdout, StringComparison.Ordinal);
        Assert.Equal(firstCa, await File.ReadAllBytesAsync(Path.Combine(_folder, "ca.crt")));
        using var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_folder, "ca.crt"));
        using var b = LoadPfx("b");
        AssertChainsTo(authority, b);
    }

    [Fact]
    public async Task An_existing_node_certificate_must_not_be_replaced_without_force_and_nothing_must_be_written()
    {
        await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "a");
        var before = await File.ReadAllBytesAsync(Path.Combine(_folder, "a.pfx"));

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "b,a");

        Assert.Equal(2, exitCode);
        Assert.Contains("a.pfx already exists", stderr, StringComparison.Ordinal);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "b.pfx")));
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(_folder, "a.pfx")));

        var forced = await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "a", "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(before, await File.ReadAllBytesAsync(Path.Combine(_folder, "a.pfx")));
    }

    [Theory]
    [InlineData("bad name", "'bad name' is not a host name or IP address")]
    [InlineData("a,A", "'a' is given twice")]
    [InlineData("-leading", "'-leading' is not a host name")]
    public async Task A_name_that_cannot_name_a_node_must_be_refused_with_exit_code_2_and_nothing_written(string names, string expected)
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", names);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task A_CA_key_without_its_certificate_must_be_refused_naming_the_missing_file()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "ca.key"), "not used");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("cert", "create", "--out", _folder, "--names", "a");

        Assert.Equal(2, exitCode);
        Assert.Contains(Path.Combine(_folder, "ca.crt") + " is missing", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "a.pfx")));
    }

    public void Dispose()
    {
        var root = Path.GetDirectoryName(_folder)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void AssertChainsTo(X509Certificate2 authority, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    private static async Task<(string ClientSeenByServer, string ServerSeenByClient)> HandshakeAsync(X509Certificate2 authority, X509Certificate2 server, X509Certificate2 client)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientTcp = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var serverTcp = await accept;
        await using var serverTls = new SslStream(serverTcp.GetStream(), false, (_, certificate, _, _) => Trusted(authority, certificate));
        await using var clientTls = new SslStream(clientTcp.GetStream(), false, (_, certificate, _, _) => Trusted(authority, certificate));

        await Task.WhenAll(
            serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = server,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }),
            clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "server",
                ClientCertificates = [client],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            })).WaitAsync(TimeSpan.FromSeconds(30));

        return (serverTls.RemoteCertificate!.Subject, clientTls.RemoteCertificate!.Subject);
    }

    private static bool Trusted(X509Certificate2 authority, X509Certificate? presented)
    {
        if (presented is null)
        {
            return false;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private X509Certificate2 LoadPfx(string name) =>
        X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_folder, name + ".pfx"), password: null);
}
