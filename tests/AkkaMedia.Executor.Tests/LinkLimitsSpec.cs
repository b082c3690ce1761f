using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using AkkaMedia.Executor.Admission;
using AkkaMedia.Executor.Link;
using AkkaMedia.Protocol.Link;
using AkkaMedia.TestKit;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests;

/// <summary>
/// The abuse limits of the executor's media link (<c>akka-media.executor.link</c>): message size, channels per link,
/// connections per second per address, pending TLS handshakes, and silent connections.
/// </summary>
public sealed class LinkLimitsSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task LinkServer_must_close_a_link_that_announces_a_message_beyond_max_message_size_naming_the_key()
    {
        using var server = LinkServer.Start((ExtendedActorSystem)Sys, Settings("link.max-message-size = 4 KiB"));
        using var client = await LinkClients.ConnectAsync(Sys, server.Endpoint);

        client.SendRaw(LinkMessageKind.Data, 1, new byte[8 * 1024]);

        var cause = await client.Closed.Task.WaitAsync(Timeout);
        Assert.Contains("akka-media.executor.link.max-message-size", cause.Message);
        Assert.Contains("4096 bytes", cause.Message);
    }

    [Fact]
    public async Task LinkServer_must_read_a_message_within_max_message_size()
    {
        using var server = LinkServer.Start((ExtendedActorSystem)Sys, Settings("link.max-message-size = 4 KiB"));
        using var client = await LinkClients.ConnectAsync(Sys, server.Endpoint);
        var channel = new RecordingLinkChannel();
        client.Register(1, channel);

        // 3 KiB on a channel nobody opened is dropped; the Open that follows is answered on the same link.
        client.SendRaw(LinkMessageKind.Data, 1, new byte[3 * 1024]);
        client.SendOpen(1, "no-such-session");

        Assert.Contains("no session 'no-such-session'", await channel.Failure.Task.WaitAsync(Timeout));
        Assert.False(client.Closed.Task.IsCompleted);
    }

    [Fact]
    public async Task LinkServer_must_refuse_an_open_beyond_max_channels_naming_the_key_and_keep_the_link_up()
    {
        using var server = LinkServer.Start((ExtendedActorSystem)Sys, Settings("link.max-channels = 1"));
        var bound = new RecordingLinkChannel();
        var boundOnServer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Expect("first", (link, channel) =>
        {
            link.Register(channel, bound);
            boundOnServer.TrySetResult();
        });
        server.Expect("second", (_, _) => throw new InvalidOperationException("The second session must not be bound."));
        using var client = await LinkClients.ConnectAsync(Sys, server.Endpoint);
        client.Register(1, new RecordingLinkChannel());
        client.SendOpen(1, "first");
        await boundOnServer.Task.WaitAsync(Timeout);

        var refused = new RecordingLinkChannel();
        client.Register(2, refused);
        client.SendOpen(2, "second");

        var failure = await refused.Failure.Task.WaitAsync(Timeout);
        Assert.Contains("akka-media.executor.link.max-channels", failure);
        Assert.Contains("1 channels", failure);
        Assert.True(server.IsWaiting("second"), "the refused session must go on waiting for its channel");

        // The link is up: the first channel still carries messages (its completion reaches the server's channel).
        client.SendComplete(1);
        var completed = await Assert.ThrowsAsync<InvalidOperationException>(() => bound.Failure.Task.WaitAsync(Timeout));
        Assert.Contains("completed", completed.Message);
        Assert.False(client.Closed.Task.IsCompleted);
    }

    [Fact]
    public async Task LinkServer_must_close_a_connection_that_never_sends_a_byte_after_the_idle_timeout()
    {
        using var server = LinkServer.Start((ExtendedActorSystem)Sys, Settings("idle-timeout = 1s\nheartbeat-interval = 200ms"));
        using var raw = await LinkClients.ConnectSocketAsync(server.Endpoint);

        // The raw client never writes (no Open, no probe reply, nothing): a slowloris.
        var received = await ReadToEndAsync(raw, Timeout);

        var (kind, reason) = LastLinkMessage(received);
        Assert.Equal((byte)LinkMessageKind.Close, kind);
        Assert.Contains("sent nothing for 1000 ms", reason);
    }

    [Fact]
    public async Task LinkServer_must_close_connections_beyond_max_connections_per_second_from_one_address_with_a_warning_naming_it_and_the_key()
    {
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        using var server = LinkServer.Start((ExtendedActorSystem)Sys, Settings("link.max-connections-per-second = 1"));
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                sockets.Add(await LinkClients.ConnectSocketAsync(server.Endpoint));
            }

            var warning = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("max-connections-per-second", StringComparison.Ordinal), Timeout);
            Assert.Contains("127.0.0.1", warning.Message.ToString());
            Assert.Contains("akka-media.executor.link.max-connections-per-second", warning.Message.ToString());

            // A refused connection is closed without a byte; an admitted one is a link and hears probes.
            var ends = await Task.WhenAll(sockets.Select(s => FirstReadAsync(s, Timeout)));
            Assert.Contains(0, ends);
            Assert.Contains(ends, e => e > 0);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task LinkServer_must_close_connections_beyond_max_pending_handshakes_with_a_warning_naming_the_key()
    {
        using var certificates = TestCertificates.Create("executor");
        var system = (ExtendedActorSystem)ActorSystem.Create("tls-link", certificates.ConfigFor("executor").WithFallback(ConfigurationFactory.ParseString("akka-media.tls.handshake-timeout = 60s")));
        try
        {
            var warnings = CreateTestProbe(system);
            system.EventStream.Subscribe(warnings.Ref, typeof(Warning));
            using var server = LinkServer.Start(system, Settings("link.max-pending-handshakes = 1"));

            // Two clients connect and never start their handshake: the first holds the only slot, the second is closed.
            using var first = await LinkClients.ConnectSocketAsync(server.Endpoint);
            using var second = await LinkClients.ConnectSocketAsync(server.Endpoint);

            var warning = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("max-pending-handshakes", StringComparison.Ordinal), Timeout);
            Assert.Contains("akka-media.executor.link.max-pending-handshakes", warning.Message.ToString());
            Assert.Equal(0, await FirstReadAsync(second, Timeout));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void The_connection_rate_limiter_must_allow_a_burst_of_its_rate_per_address_then_refill_at_its_rate()
    {
        long now = 0;
        var limiter = new RateLimiter<IPAddress>(2, () => now);
        var one = IPAddress.Parse("10.0.0.1");
        var other = IPAddress.Parse("10.0.0.2");

        Assert.True(limiter.TryAcquire(one));
        Assert.True(limiter.TryAcquire(one));
        Assert.False(limiter.TryAcquire(one));
        Assert.True(limiter.TryAcquire(other));

        now += System.Diagnostics.Stopwatch.Frequency / 2;
        Assert.True(limiter.TryAcquire(one));
        Assert.False(limiter.TryAcquire(one));

        now += System.Diagnostics.Stopwatch.Frequency * 10;
        Assert.True(limiter.TryAcquire(one));
        Assert.True(limiter.TryAcquire(one));
        Assert.False(limiter.TryAcquire(one));
    }

    [Theory]
    [InlineData("link.max-message-size = 100", "akka-media.executor.link.max-message-size")]
    [InlineData("link.max-message-size = banana", "akka-media.executor.link.max-message-size")]
    [InlineData("link.max-channels = 0", "akka-media.executor.link.max-channels")]
    [InlineData("link.max-connections-per-second = 0", "akka-media.executor.link.max-connections-per-second")]
    [InlineData("link.max-pending-handshakes = 0", "akka-media.executor.link.max-pending-handshakes")]
    public void ExecutorSettings_must_refuse_a_link_limit_out_of_range_naming_its_key(string setting, string key)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Settings(setting));
        Assert.Equal(key, refused.ParamName);
    }

    [Fact]
    public void ExecutorSettings_must_default_the_link_limits()
    {
        var settings = ExecutorSettings.Create(ConfigurationFactory.Empty);
        Assert.Equal(16 * 1024 * 1024, settings.LinkMaxMessageSize);
        Assert.Equal(2000, settings.LinkMaxChannels);
        Assert.Equal(20, settings.LinkMaxConnectionsPerSecond);
        Assert.Equal(256, settings.LinkMaxPendingHandshakes);
    }

    private static ExecutorSettings Settings(string executor) => ExecutorSettings.Create(ConfigurationFactory.ParseString(
        "akka-media.executor { link { hostname = \"127.0.0.1\", port = 0 }\n" + executor + "\n}"));

    /// <summary>How many bytes the first read returns: 0 when the server closed the connection without a byte (a reset counts as 0).</summary>
    private static async Task<int> FirstReadAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await socket.ReceiveAsync(new byte[64], SocketFlags.None, cancel.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket, TimeSpan timeout)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            if (read == 0)
            {
                return received.ToArray();
            }

            received.Write(buffer, 0, read);
        }
    }

    /// <summary>The kind and text payload of the last whole message in <paramref name="bytes"/> (<c>[int32 length][kind][channel][payload]</c> each).</summary>
    private static (byte Kind, string Payload) LastLinkMessage(byte[] bytes)
    {
        Assert.True(bytes.Length >= 9, $"only {bytes.Length} bytes arrived");
        var offset = 0;
        while (true)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            if (offset + 4 + length >= bytes.Length)
            {
                return (bytes[offset + 4], Encoding.UTF8.GetString(bytes, offset + 9, length - 5));
            }

            offset += 4 + length;
        }
    }
}
