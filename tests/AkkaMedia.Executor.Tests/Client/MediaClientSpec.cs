using System.Net;
using System.Net.Sockets;
using Akka.Cluster;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Client;
using AkkaMedia.Frames;
using AkkaMedia.Remote;

namespace AkkaMedia.Executor.Tests.Client;

/// <summary>
/// <see cref="MediaClient"/> as an application uses it: one call joins the cluster and finds an executor, remote stages
/// run on it, disposing leaves; every mistake is an error that says what to fix, and nothing is left running.
/// </summary>
public sealed class MediaClientSpec(ClientSpecExecutor executor) : IClassFixture<ClientSpecExecutor>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Connect_must_join_find_the_executor_run_a_remote_stage_and_leave_on_dispose()
    {
        var client = await MediaClient.ConnectAsync(new MediaClientOptions { Seeds = [$"127.0.0.1:{executor.Port}"] });
        Akka.Actor.Address self;
        await using (client)
        {
            Assert.Equal(executor.Address, Assert.Single(client.Executors).Address);
            Assert.Equal([executor.Address], client.Seeds);
            var frame = new AudioFrame(new float[] { 0.25f, -0.5f }, 48000, 1);
            var result = await Source.Single(frame)
                .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 2"))
                .RunWith(Sink.Seq<AudioFrame>(), client.System.Materializer())
                .WaitAsync(Patience);
            Assert.Equal(new[] { 0.5f, -1f }, Assert.Single(result).Samples.ToArray());
            self = Cluster.Get(client.System).SelfAddress;
        }

        // Left, not failed: the executor's cluster no longer has the client, and the client's actor system is gone.
        Assert.True(client.System.WhenTerminated.IsCompleted);
        var cluster = Cluster.Get(executor.System);
        using var deadline = new CancellationTokenSource(Patience);
        while (cluster.State.Members.Any(m => m.Address.Equals(self)) || cluster.State.Unreachable.Any(m => m.Address.Equals(self)))
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    [Theory]
    [InlineData("127.0.0.1", "is not valid: use host:port")]
    [InlineData("127.0.0.1:99999", "is not valid: use host:port")]
    [InlineData("akka.tcp://other@127.0.0.1:4053", "names the actor system 'other'")]
    public async Task A_bad_seed_must_be_refused_before_anything_starts(string seed, string message)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => MediaClient.ConnectAsync(new MediaClientOptions { Seeds = [seed] }));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(seed, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_seed_must_be_refused_with_what_to_give()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => MediaClient.ConnectAsync(new MediaClientOptions()));

        Assert.Contains("at least one cluster member", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_that_cannot_be_reached_must_time_out_naming_the_seed_and_what_to_check()
    {
        var port = FreePort();

        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            MediaClient.ConnectAsync(new MediaClientOptions { Seeds = [$"127.0.0.1:{port}"], ExecutorTimeout = TimeSpan.FromSeconds(2) }));

        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.Contains("could not join", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_must_become_configuration_with_the_seeds_normalized()
    {
        var config = new MediaClientOptions { Seeds = ["10.0.0.5:4053", "akka.tcp://media@10.0.0.6:4053/"], Hostname = "10.0.0.9", Port = 4060 }.ToConfig();

        Assert.Equal(["akka.tcp://media@10.0.0.5:4053", "akka.tcp://media@10.0.0.6:4053"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("10.0.0.9", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4060, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["client"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
