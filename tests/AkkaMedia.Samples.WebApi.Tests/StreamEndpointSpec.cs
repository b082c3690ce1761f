using System.Buffers.Binary;
using System.Net.WebSockets;

namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary>The WebSocket <c>/process/stream</c> against a real executor: one pipeline per connection, message for message.</summary>
public sealed class StreamEndpointSpec(AppWithExecutor cluster) : IClassFixture<AppWithExecutor>
{
    [Fact]
    public async Task Stream_must_send_back_every_message_scaled_by_the_gain_in_order_then_close()
    {
        using var timeout = new CancellationTokenSource(AppWithExecutor.Patience);
        using var socket = await Connect("gain=2&rate=16000&channels=2", timeout.Token);
        var messages = Enumerable.Range(0, 5).Select(m => TestWav.Ramp(640).Select(s => (short)(s + m)).ToArray()).ToList();

        foreach (var message in messages)
        {
            await socket.SendAsync(Pcm(message), WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "sent all", timeout.Token);
        var received = new List<short[]>();
        while (await Receive(socket, timeout.Token) is { } pcm)
        {
            received.Add(pcm);
        }

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal(messages.Count, received.Count);
        for (var m = 0; m < messages.Count; m++)
        {
            Assert.Equal(messages[m].Select(s => (short)(2 * s)), received[m]);
        }
    }

    [Fact]
    public async Task Stream_must_close_with_invalid_payload_and_the_reason_for_a_message_of_half_a_sample()
    {
        using var timeout = new CancellationTokenSource(AppWithExecutor.Patience);
        using var socket = await Connect("gain=2", timeout.Token);

        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);

        Assert.Null(await Receive(socket, timeout.Token));
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
        Assert.Contains("not whole 16-bit samples", socket.CloseStatusDescription, StringComparison.Ordinal);
    }

    private Task<WebSocket> Connect(string query, CancellationToken cancellationToken) =>
        cluster.App.Server.CreateWebSocketClient().ConnectAsync(new Uri($"ws://localhost/process/stream?{query}"), cancellationToken);

    private static byte[] Pcm(short[] samples)
    {
        var bytes = new byte[2 * samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    /// <summary>The next binary message as samples, or null when the server closed.</summary>
    private static async Task<short[]?> Receive(WebSocket socket, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        var buffer = new byte[4096];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        var bytes = message.ToArray();
        return Enumerable.Range(0, bytes.Length / 2).Select(i => BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i))).ToArray();
    }
}
