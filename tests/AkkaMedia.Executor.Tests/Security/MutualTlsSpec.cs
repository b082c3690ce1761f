using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Link;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using AkkaMedia.Security;
using AkkaMedia.TestKit;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Security;

/// <summary>An in-process executor that speaks mutual TLS, with the certificates of its cluster and of a stranger's.</summary>
public sealed class TlsExecutor : IDisposable
{
    public TlsExecutor()
    {
        Certificates = TestCertificates.Create("executor", "client");
        Strangers = TestCertificates.Create("stranger");
        Executor = new ExecutorFixture(TestRegistry.Create(), Certificates.ConfigFor("executor"));
    }

    /// <summary>The cluster's CA and its nodes' certificates.</summary>
    public TestCertificates Certificates { get; }

    /// <summary>Another CA, whose certificates the cluster must not trust.</summary>
    public TestCertificates Strangers { get; }

    public ExecutorFixture Executor { get; }

    public void Dispose()
    {
        Executor.Dispose();
        Certificates.Dispose();
        Strangers.Dispose();
    }
}

/// <summary>
/// With <c>akka-media.tls</c> on, Akka.Remote and the media link speak mutual TLS: certified nodes work as before, a
/// node whose certificate another CA signed, or that has none, can neither join nor open a link.
/// </summary>
public sealed class MutualTlsSpec(TlsExecutor fixture, ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(MediaActorSystem.CreateSetup(fixture.Certificates.ConfigFor("client").WithFallback(fixture.Executor.ClientConfig)), "media", output),
      IClassFixture<TlsExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_remote_stage_must_run_over_Akka_Remote_and_the_media_link_in_TLS_between_certified_nodes()
    {
        Assert.Equal("akka.ssl.tcp", Cluster.Get(Sys).SelfAddress.Protocol);
        await fixture.Executor.WaitForExecutorAsync(Sys, Timeout);
        var frames = Enumerable.Range(0, 50).Select(i => TestRegistry.Frame(i)).ToList();

        var received = await Source.From(frames)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", new RemoteStageOptions { Transport = RemoteTransport.MediaLink }))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer())
            .WaitAsync(Timeout);

        Assert.Equal(frames, received);
    }

    [Fact]
    public async Task A_node_whose_certificate_another_CA_signed_must_be_refused_at_the_remoting_port_and_never_join()
    {
        var warnings = CreateTestProbe();
        fixture.Executor.System.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        var stranger = MediaActorSystem.Create("media", fixture.Strangers.ConfigFor("stranger").WithFallback(fixture.Executor.ClientConfig));
        try
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Cluster.Get(stranger).RegisterOnMemberUp(() => up.TrySetResult());

            var refusal = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("Refused the TLS connection"), Timeout);
            Assert.Contains("not signed by this cluster's CA", refusal.Message.ToString());
            Assert.False(up.Task.IsCompleted, "the stranger joined the cluster");
            Assert.DoesNotContain(Cluster.Get(fixture.Executor.System).State.Members, m => m.Address.Equals(Cluster.Get(stranger).SelfAddress));
        }
        finally
        {
            fixture.Executor.System.EventStream.Unsubscribe(warnings.Ref);
            await stranger.Terminate();
        }
    }

    [Fact]
    public async Task The_media_link_must_refuse_a_client_with_a_strangers_certificate_and_log_why()
    {
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        using var server = LinkServer.Start((ExtendedActorSystem)Sys, LinkSettings);
        var strangerTls = TlsSettings.Create(fixture.Strangers.ConfigFor("stranger"));

        using var socket = await LinkClients.ConnectSocketAsync(server.Endpoint);
        await using var secure = new SslStream(new NetworkStream(socket, ownsSocket: false));
        var options = strangerTls.ClientOptions("executor");
        options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await secure.AuthenticateAsClientAsync(options).WaitAsync(Timeout);

            // TLS 1.3 reports the server's refusal of the client's certificate on the first read.
            var buffer = new byte[16];
            var read = await secure.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
            if (read == 0)
            {
                throw new IOException("closed");
            }
        });

        var refusal = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("refused the connection"), Timeout);
        Assert.Contains("not signed by this cluster's CA", refusal.Message.ToString());
    }

    [Fact]
    public async Task The_media_link_must_drop_a_client_that_does_not_speak_TLS()
    {
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        using var server = LinkServer.Start((ExtendedActorSystem)Sys, LinkSettings);

        using var socket = await LinkClients.ConnectSocketAsync(server.Endpoint);
        await socket.SendAsync(new byte[] { 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 });
        var buffer = new byte[256];
        int read;
        do
        {
            read = await socket.ReceiveAsync(buffer).WaitAsync(Timeout);
        }
        while (read > 0 && buffer[0] == 0x15); // a TLS alert may come before the close

        Assert.Equal(0, read);
        var refusal = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("refused the connection"), Timeout);
        Assert.Contains("TLS handshake failed", refusal.Message.ToString());
    }

    [Fact]
    public void Settings_must_refuse_a_certificate_without_a_CA_and_a_missing_file_naming_the_key()
    {
        var noCa = Assert.Throws<ArgumentException>(() => TlsSettings.Create(ConfigurationFactory.ParseString(
            $"akka-media.tls.certificate = \"{fixture.Certificates.PathOf("client").Replace("\\", "\\\\")}\"")));
        Assert.Equal("akka-media.tls.ca", noCa.ParamName);
        Assert.Contains("--tls-ca", noCa.Message);

        var missing = Assert.Throws<ArgumentException>(() => TlsSettings.Create(ConfigurationFactory.ParseString(
            $"akka-media.tls {{ certificate = \"/nonexistent/node.pfx\", ca = \"{fixture.Certificates.AuthorityPath.Replace("\\", "\\\\")}\" }}")));
        Assert.Equal("akka-media.tls.certificate", missing.ParamName);
        Assert.Contains("no such file", missing.Message);

        Assert.False(TlsSettings.Create(Config.Empty).IsEnabled);
    }

    [Fact]
    public void A_peer_whose_certificate_an_intermediate_of_the_CA_signed_must_be_trusted_through_the_chain_it_presents()
    {
        using var rootKey = System.Security.Cryptography.ECDsa.Create();
        var rootRequest = new CertificateRequest("CN=root", rootKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        using var intermediateKey = System.Security.Cryptography.ECDsa.Create();
        var intermediateRequest = new CertificateRequest("CN=intermediate", intermediateKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var intermediatePublic = intermediateRequest.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(9), [1]);
        using var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);
        using var leafKey = System.Security.Cryptography.ECDsa.Create();
        using var leaf = new CertificateRequest("CN=node", leafKey, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .Create(intermediate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(8), [2]);

        // This node: its own certificate from the test CA, and the new root as the cluster's CA.
        var folder = Directory.CreateTempSubdirectory("akkamedia-intermediate").FullName;
        try
        {
            var rootPath = Path.Combine(folder, "root.crt");
            File.WriteAllText(rootPath, root.ExportCertificatePem());
            var tls = TlsSettings.Create(ConfigurationFactory.ParseString(
                $"akka-media.tls {{ certificate = \"{fixture.Certificates.PathOf("executor").Replace("\\", "\\\\")}\", ca = \"{rootPath.Replace("\\", "\\\\")}\" }}"));
            using var presented = new X509Chain();
            presented.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            presented.ChainPolicy.CustomTrustStore.Add(root);
            presented.ChainPolicy.ExtraStore.Add(intermediate);
            presented.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(presented.Build(leaf));

            Assert.True(tls.IsTrusted(leaf, presented, out var reason), reason);
            Assert.False(tls.IsTrusted(leaf, out var without), "trusted without the intermediate that links it to the CA");
            Assert.Contains("not signed by this cluster's CA", without);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ExecutorSettings LinkSettings { get; } = ExecutorSettings.Create(ConfigurationFactory.ParseString("""
        akka-media.executor.link { hostname = "127.0.0.1", port = 0 }
        """));
}
