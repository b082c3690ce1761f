using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Tests.Processes;
using AkkaMedia.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaMedia.Hosting.Tests;

/// <summary>
/// Two .NET generic hosts as applications write them: one registers an executor with <c>WithAkkaMediaExecutor</c>, the
/// other a client with <c>WithAkkaMediaClient</c>; the client's injected <see cref="ActorSystem"/> runs a remote stage on
/// the executor. Both hosts are stopped whatever the outcome.
/// </summary>
public sealed class HostedClusterSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_hosted_client_must_run_a_remote_stage_on_a_hosted_executor()
    {
        var port = LoopbackPort.Free();
        await RunRemoteStageAsync(
            new AkkaMediaExecutorOptions { Hostname = "127.0.0.1", Port = port, Seeds = [$"127.0.0.1:{port}"], MaxSessions = 4 },
            new AkkaMediaClientOptions { Hostname = "127.0.0.1", Port = 0, Seeds = [$"127.0.0.1:{port}"], OpenTimeout = TimeSpan.FromSeconds(20) },
            $"akka.tcp://media@127.0.0.1:{port}");
    }

    [Fact]
    public async Task Hosted_members_with_certificates_of_one_CA_must_speak_mutual_TLS()
    {
        using var certificates = TestCertificates.Create("executor", "client");
        var port = LoopbackPort.Free();
        await RunRemoteStageAsync(
            new AkkaMediaExecutorOptions
            {
                Hostname = "127.0.0.1", Port = port, Seeds = [$"127.0.0.1:{port}"], MaxSessions = 4,
                TlsCertificate = certificates.PathOf("executor"), TlsCa = certificates.AuthorityPath,
            },
            new AkkaMediaClientOptions
            {
                Hostname = "127.0.0.1", Port = 0, Seeds = [$"127.0.0.1:{port}"], OpenTimeout = TimeSpan.FromSeconds(20),
                TlsCertificate = certificates.PathOf("client"), TlsCa = certificates.AuthorityPath,
            },
            $"akka.ssl.tcp://media@127.0.0.1:{port}");
    }

    /// <summary>Starts both hosts, runs a Gain stage remotely and checks where it ran; stops both hosts whatever happens.</summary>
    private static async Task RunRemoteStageAsync(AkkaMediaExecutorOptions executorOptions, AkkaMediaClientOptions clientOptions, string executorAddress)
    {
        using var executorHost = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddAkka("media", akka => akka.WithAkkaMediaExecutor(executorOptions)))
            .Build();
        using var clientHost = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddAkka("media", akka => akka.WithAkkaMediaClient(clientOptions)))
            .Build();
        await executorHost.StartAsync();
        try
        {
            await clientHost.StartAsync();
            try
            {
                var executorSystem = executorHost.Services.GetRequiredService<ActorSystem>();
                var executor = executorHost.Services.GetRequiredService<ActorRegistry>().Get<MediaExecutorKey>();
                Assert.False(executor.IsNobody());

                var client = clientHost.Services.GetRequiredService<ActorSystem>();
                var executors = await ExecutorDirectory.Get(client).GetExecutorsAsync("executor", Patience);
                var found = Assert.Single(executors);
                Assert.Equal(executorAddress, found.Address);
                Assert.Equal(4, executorSystem.Settings.Config.GetInt("akka-media.executor.max-sessions"));

                var result = await Source.Single(new AudioFrame(new float[] { 0.5f, -0.25f }, 48000, 1))
                    .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 2"))
                    .RunWith(Sink.Seq<AudioFrame>(), client.Materializer())
                    .WaitAsync(Patience);
                Assert.Equal(new[] { 1f, -0.5f }, Assert.Single(result).Samples.ToArray());
                Assert.Equal("media", executorSystem.Name);
            }
            finally
            {
                await clientHost.StopAsync();
            }
        }
        finally
        {
            await executorHost.StopAsync();
        }
    }
}
