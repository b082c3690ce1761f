using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// One floor session: the <c>/media</c> protocol with the pipeline replaced by an echo. <c>start</c> →
/// <c>started</c>; every binary message is sent back as it came, before the next one is read; <c>ping</c> →
/// <c>pong</c>; <c>stop</c> → <c>stopped</c> with the counts, then close 1000. No validation beyond what
/// the load client needs: this is a yardstick, not a server.
/// </summary>
internal static class FloorSession
{
    private const int BufferBytes = 64 * 1024;

    public static async Task RunAsync(WebSocket socket, CancellationToken stopping)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            long framesIn = 0;
            long framesOut = 0;
            var started = false;
            while (true)
            {
                var (type, count) = await ReceiveMessageAsync(socket, buffer, stopping);
                if (type == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, stopping);
                    return;
                }

                if (type == WebSocketMessageType.Binary)
                {
                    if (!started)
                    {
                        await FailAsync(socket, "binary before start", stopping);
                        return;
                    }

                    framesIn++;
                    await socket.SendAsync(buffer.AsMemory(0, count), WebSocketMessageType.Binary, true, stopping);
                    framesOut++;
                    continue;
                }

                var kind = TypeOf(buffer.AsSpan(0, count), out var id);
                switch (kind)
                {
                    case "start" when !started:
                        started = true;
                        await SendTextAsync(socket, $"{{\"type\":\"started\",\"session\":\"{Guid.NewGuid().ToString("N")[..12]}\"}}", stopping);
                        break;
                    case "ping":
                        await SendTextAsync(socket, $"{{\"type\":\"pong\",\"id\":{id}}}", stopping);
                        break;
                    case "stop" when started:
                        await SendTextAsync(socket, FormattableString.Invariant($"{{\"type\":\"stopped\",\"framesIn\":{framesIn},\"framesOut\":{framesOut}}}"), stopping);
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, stopping);
                        return;
                    default:
                        await FailAsync(socket, $"unexpected message '{kind}'", stopping);
                        return;
                }
            }
        }
        catch (WebSocketException)
        {
            // The client went away: nothing to clean up but the buffer.
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<(WebSocketMessageType Type, int Count)> ReceiveMessageAsync(WebSocket socket, byte[] buffer, CancellationToken stopping)
    {
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), stopping);
            count += result.Count;
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, count);
            }

            if (count == buffer.Length)
            {
                throw new WebSocketException("A message larger than the floor's buffer.");
            }
        }
    }

    private static string TypeOf(ReadOnlySpan<byte> json, out string id)
    {
        id = "0";
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.TryGetProperty("id", out var idElement))
            {
                id = idElement.GetRawText();
            }

            return document.RootElement.TryGetProperty("type", out var type) ? type.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private static ValueTask SendTextAsync(WebSocket socket, string text, CancellationToken stopping) =>
        socket.SendAsync(new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(text)), WebSocketMessageType.Text, true, stopping);

    private static async Task FailAsync(WebSocket socket, string message, CancellationToken stopping)
    {
        await SendTextAsync(socket, JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "error", ["message"] = message }), stopping);
        await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, message, stopping);
    }
}
