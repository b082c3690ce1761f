using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Frames;
using Xunit.Abstractions;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Executor.Tests;

/// <summary>How the two ends of a media link learn that it closed, and why.</summary>
public sealed class MediaLinkSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MediaLink_must_tell_the_peer_why_it_closed()
    {
        var (client, server) = await ConnectedPairAsync();
        using (client)
        using (server)
        {
            server.Close(new TimeoutException("the client sent nothing for a while"));

            var cause = await client.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.IsType<IOException>(cause);
            Assert.Contains("the client sent nothing for a while", cause.Message);
            Assert.Contains("server-end closed the link", cause.Message);
        }
    }

    [Fact]
    public async Task MediaLink_must_close_on_a_message_it_cannot_read_and_tell_the_sender_what_was_wrong()
    {
        var (client, raw) = await ConnectedToRawSocketAsync();
        using (client)
        using (raw)
        {
            // A length prefix too short for any message (kind and channel take 5 bytes).
            var message = new byte[4 + 5];
            BinaryPrimitives.WriteInt32LittleEndian(message, 2);
            await raw.SendAsync(message, SocketFlags.None);

            var cause = await client.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.IsType<InvalidDataException>(cause);

            // The raw end reads the reason the link sent (after any pings) before its end of the connection closed.
            var received = await ReadToEndAsync(raw);
            var last = LastMessageOffset(received);
            Assert.Equal(8, received[last + 4]);
            var reason = System.Text.Encoding.UTF8.GetString(received, last + 9, BinaryPrimitives.ReadInt32LittleEndian(received.AsSpan(last)) - 5);
            Assert.Contains("Corrupt link message length 2", reason);
        }
    }

    [Fact]
    public async Task MediaLink_must_report_a_peer_that_vanished_without_a_reason_as_such()
    {
        var (client, raw) = await ConnectedToRawSocketAsync();
        using (client)
        {
            raw.Dispose();

            var cause = await client.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("without saying why", cause.Message);
        }
    }

    [Fact]
    public async Task MediaLink_must_presume_a_peer_that_stays_connected_but_sends_nothing_dead_after_its_idle_timeout()
    {
        var (linkSocket, raw) = await SocketPairAsync();
        using (raw)
        using (var link = new MediaLink(linkSocket, (ExtendedActorSystem)Sys, "silent-end", Heartbeat, TimeSpan.FromSeconds(1)))
        {
            link.Start();

            // The raw end keeps its socket open and never writes: no data, no heartbeat.
            var cause = await link.Closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.IsType<TimeoutException>(cause);
            Assert.Contains("silent-end sent nothing for 1000 ms", cause.Message);
        }
    }

    [Fact]
    public async Task MediaLink_must_measure_its_round_trip_at_both_ends_with_the_probes_that_keep_it_alive()
    {
        var (clientSocket, serverSocket) = await SocketPairAsync();
        var clientTrips = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverTrips = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var system = (ExtendedActorSystem)Sys;
        using var client = new MediaLink(clientSocket, system, "server-end", Heartbeat, Idle) { OnRoundTrip = ms => clientTrips.TrySetResult(ms) };
        using var server = new MediaLink(serverSocket, system, "client-end", Heartbeat, Idle) { OnRoundTrip = ms => serverTrips.TrySetResult(ms) };
        client.Start();
        server.Start();

        var measured = await Task.WhenAll(clientTrips.Task, serverTrips.Task).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(measured, ms => Assert.InRange(ms, 0, 10_000));
        Assert.False(client.IsClosed);
        Assert.False(server.IsClosed);
    }

    [Fact]
    public async Task MediaLink_must_log_an_unexpected_fault_in_sending_and_close_with_it_telling_its_channels_and_the_peer()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var (clientSocket, serverSocket) = await SocketPairAsync();
        var system = (ExtendedActorSystem)Sys;
        var fault = new InvalidOperationException("the send buffer was mangled");
        var writes = 0;
        using var client = new MediaLink(clientSocket, system, "server-end", Heartbeat, Idle)
        {
            // The first write fails as no socket would; the next ones (the close reason) reach the socket.
            WriteOverride = bytes => Interlocked.Increment(ref writes) == 1 ? throw fault : clientSocket.SendAsync(bytes, SocketFlags.None),
        };
        using var server = new MediaLink(serverSocket, system, "client-end", Heartbeat, Idle);
        var channel = new RecordingLinkChannel();
        client.Register(1, channel);
        client.Start();
        server.Start();

        client.SendDemand(1, 4);

        var cause = await client.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(fault, cause.InnerException);
        Assert.Contains("Sending to server-end failed: the send buffer was mangled", cause.Message);
        Assert.Same(cause, await Assert.ThrowsAsync<IOException>(() => channel.Failure.Task.WaitAsync(TimeSpan.FromSeconds(10))));
        var logged = await errors.FishForMessageAsync<Error>(e => ReferenceEquals(e.Cause, fault), TimeSpan.FromSeconds(10));
        Assert.Contains("server-end", logged.Message.ToString());
        var told = await server.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("client-end closed the link: Sending to server-end failed: the send buffer was mangled", told.Message);
    }

    [Fact]
    public async Task MediaLink_must_close_without_waiting_on_a_socket_that_takes_no_more_and_still_tell_a_peer_that_reads_later_why()
    {
        var (linkSocket, raw) = await SocketPairAsync();
        using (raw)
        {
            // Small buffers at both ends: a frame of 1 MB cannot leave while the peer reads nothing.
            linkSocket.SendBufferSize = 64 * 1024;
            raw.ReceiveBufferSize = 64 * 1024;
            using var link = new MediaLink(linkSocket, (ExtendedActorSystem)Sys, "raw-end", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
            link.Start();
            link.SendData(1, new AudioFrame(new float[256 * 1024], 48_000, 1));

            link.Close(new TimeoutException("the peer fell behind"));

            // Only now does the peer read. A close that waited on the socket could not have returned with its reason
            // written (no byte moves while nobody reads); this one leaves it to follow the frame once there is room.
            var received = await ReadToEndAsync(raw);
            var last = LastMessageOffset(received);
            Assert.Equal(8, received[last + 4]);
            Assert.Equal("the peer fell behind", System.Text.Encoding.UTF8.GetString(received, last + 9, received.Length - last - 9));
        }
    }

    private async Task<(MediaLink Client, MediaLink Server)> ConnectedPairAsync()
    {
        var (clientSocket, serverSocket) = await SocketPairAsync();
        var system = (ExtendedActorSystem)Sys;
        var client = new MediaLink(clientSocket, system, "server-end", Heartbeat, Idle);
        var server = new MediaLink(serverSocket, system, "client-end", Heartbeat, Idle);
        client.Start();
        server.Start();
        return (client, server);
    }

    /// <summary>A link whose peer is a bare socket the spec reads and writes itself.</summary>
    private async Task<(MediaLink Link, Socket Raw)> ConnectedToRawSocketAsync()
    {
        var (linkSocket, raw) = await SocketPairAsync();
        var link = new MediaLink(linkSocket, (ExtendedActorSystem)Sys, "raw-end", Heartbeat, Idle);
        link.Start();
        return (link, raw);
    }

    /// <summary>Offset of the last whole message in <paramref name="bytes"/> (<c>[int32 length][kind][channel][payload]</c> each).</summary>
    private static int LastMessageOffset(byte[] bytes)
    {
        Assert.True(bytes.Length >= 9, $"only {bytes.Length} bytes arrived");
        var offset = 0;
        while (true)
        {
            var next = offset + 4 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            if (next >= bytes.Length)
            {
                Assert.Equal(bytes.Length, next);
                return offset;
            }

            offset = next;
        }
    }

    private static async Task<(Socket Connecting, Socket Accepted)> SocketPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptSocketAsync();
        await connecting.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        return (connecting, await accept);
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return received.ToArray();
            }

            received.Write(buffer, 0, read);
        }
    }
}
