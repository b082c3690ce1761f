using System.Net.WebSockets;
using System.Text.Json;
using CsCheck;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// Generated clients against one <c>/media</c> server: arbitrary sequences of text (any string, JSON of every shape, start,
/// ping and stop with any field values) and binary messages of any length, before and after a start. Whatever a client
/// sends, the server answers within the protocol (a session goes on, or an <c>error</c> then 1008; 1000 only after a stop),
/// keeps serving the next client, and leaves no session behind.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class MediaEndpointPropertySpec
{
    private static readonly Gen<string> AnyText = Gen.String;

    private static readonly Gen<string> NotAnObject = Gen.OneOfConst("[1,2]", "3", "null", "\"start\"", "true", "{", "{\"type\":", "");

    private static readonly Gen<string> FieldValue = Gen.OneOf(
        Gen.Int[-100_000, 300_000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOfConst("8000", "16000", "48000", "44100", "1.5", "-0", "1e9", "\"16000\"", "null", "[]", "{}", "true"));

    private static readonly Gen<string> Start =
        Gen.Select(FieldValue, Gen.Int[-2, 10], Gen.OneOfConst("\"pcm16\"", "\"opus\"", "\"mp3\"", "5", "null"), Gen.Bool,
            (rate, channels, encoding, withEncoding) =>
                $"{{\"type\":\"start\",\"sampleRate\":{rate},\"channels\":{channels}{(withEncoding ? $",\"encoding\":{encoding}" : string.Empty)}}}");

    private static readonly Gen<string> ValidStart = Gen.Select(Gen.OneOfConst(8000, 16000, 24000, 44100, 48000), Gen.Int[1, 2],
        (rate, channels) => $"{{\"type\":\"start\",\"sampleRate\":{rate},\"channels\":{channels},\"encoding\":\"pcm16\"}}");

    private static readonly Gen<string> Typed = Gen.Select(Gen.OneOfConst("ping", "stop", "start", "dance", "", "PING"), FieldValue,
        (type, value) => $"{{\"type\":\"{type}\",\"id\":{value}}}");

    private static readonly Gen<Message> AnyMessage = Gen.Frequency(
        (3, Gen.Byte.Array[0, 400].Select(b => new Message(null, b))),
        (2, Typed.Select(t => new Message(t, null))),
        (1, Start.Select(t => new Message(t, null))),
        (1, NotAnObject.Select(t => new Message(t, null))),
        (1, AnyText.Select(t => new Message(t, null))));

    private static readonly Gen<Message[]> Client = Gen.Select(
        Gen.Frequency((3, ValidStart.Select(s => new Message(s, null))), (1, AnyMessage)),
        AnyMessage.Array[0, 6],
        (first, rest) => rest.Prepend(first).ToArray());

    [Fact]
    public async Task Any_client_must_get_an_answer_within_the_protocol_and_leave_no_session()
    {
        await using var server = await EdgeServer.StartAsync(edgeHocon: "akka-media.edge.max-message-bytes = 1024");

        await Client.SampleAsync(
            async messages =>
            {
                await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri());
                foreach (var message in messages)
                {
                    if (client.Socket.State != WebSocketState.Open)
                    {
                        break;
                    }

                    try
                    {
                        await (message.Text is { } text ? client.SendTextAsync(text) : client.SendBinaryAsync(message.Bytes!));
                    }
                    catch (WebSocketException)
                    {
                        break;
                    }
                }

                var outcome = await ProbeAsync(client);
                var stopped = messages.Any(m => m.Text is { } t && t.Contains("\"type\":\"stop\"", StringComparison.Ordinal));
                switch (outcome)
                {
                    case { Status: null }:
                        // Still running: it answered the probe. Leaving must end the session.
                        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                        break;
                    case { Status: WebSocketCloseStatus.PolicyViolation }:
                        Assert.True(outcome.LastText is { } last && JsonDocument.Parse(last).RootElement.GetProperty("type").GetString() == "error",
                            $"1008 without an error message before it; last text: {outcome.LastText}");
                        break;
                    case { Status: WebSocketCloseStatus.NormalClosure }:
                        Assert.True(stopped, "closed with 1000 though the client never asked to stop");
                        break;
                    default:
                        Assert.Fail($"closed with {outcome.Status} ({outcome.Reason})");
                        break;
                }

                await AwaitNoSessionAsync(server);
            },
            iter: 120,
            threads: 1);

        Assert.Equal(0, server.Host.Sessions);
    }

    /// <summary>Pings (when still open) and reads until the pong or the close.</summary>
    private static async Task<(WebSocketCloseStatus? Status, string? Reason, string? LastText)> ProbeAsync(EdgeClient client)
    {
        var probe = false;
        if (client.Socket.State == WebSocketState.Open)
        {
            try
            {
                await client.SendTextAsync("""{"type":"ping","id":"probe"}""");
                probe = true;
            }
            catch (WebSocketException)
            {
            }
        }

        string? lastText = null;
        while (true)
        {
            EdgeClient.Message message;
            try
            {
                message = await client.ReceiveAsync();
            }
            catch (WebSocketException) when (!probe)
            {
                return (client.Socket.CloseStatus, client.Socket.CloseStatusDescription, lastText);
            }

            if (message.Type == WebSocketMessageType.Close)
            {
                // Answer the server's close, as a well-behaved client does, so it does not wait for its close timeout.
                if (client.Socket.State == WebSocketState.CloseReceived)
                {
                    await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                }

                return (message.Status, message.Reason, lastText);
            }

            if (message.Type == WebSocketMessageType.Text)
            {
                if (message.Text == """{"type":"pong","id":"probe"}""")
                {
                    return (null, null, lastText);
                }

                lastText = message.Text;
            }
        }
    }

    private static async Task AwaitNoSessionAsync(EdgeServer server)
    {
        using var timeout = new CancellationTokenSource(EdgeClient.Timeout);
        while (server.Host.Sessions != 0)
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private sealed record Message(string? Text, byte[]? Bytes)
    {
        public override string ToString() => Text ?? $"binary[{Bytes!.Length}]";
    }
}
