using System.Net.WebSockets;
using System.Text.Json;
using AkkaMedia.Host.Tests.Edge.Twilio;
using CsCheck;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// Generated Twilio clients against <c>/twilio</c>: calls of any shape (media of any length, marks with any name, events
/// in any order, garbage text, binary, cut messages) end within the protocol (1000 after a stop, or 1008 with a reason),
/// every message the server sends names the call's stream, and no session is left behind.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class TwilioEndpointPropertySpec
{
    private static readonly TwilioCall Call = new();

    private static readonly Gen<string> Mark = Gen.String.Select(name =>
        $$$"""{"event":"mark","sequenceNumber":"3","streamSid":"{{{Call.StreamSid}}}","mark":{"name":{{{JsonSerializer.Serialize(name)}}}}}""");

    private static readonly Gen<Message> AnyMessage = Gen.Frequency(
        (6, Gen.Byte.Array[0, 400].Select(codes => Text(Call.Media(codes)))),
        (2, Mark.Select(Text)),
        (1, Gen.Const(Text(Call.Dtmf('#')))),
        (1, Gen.Const(Text(TwilioCall.Connected()))),
        (1, Gen.Const(Text(Call.Start()))),
        (1, Gen.Const(Text(Call.Stop()))),
        (1, Gen.String.Select(Text)),
        (1, Gen.Int[0, 200].Select(cut => Text(Call.Start()[..Math.Min(cut, Call.Start().Length)]))),
        (1, Gen.Byte.Array[0, 200].Select(bytes => new Message(null, bytes))));

    private static readonly Gen<Message[]> Client = Gen.Select(
        Gen.Frequency((3, Gen.Const(Text(Call.Start()))), (1, AnyMessage)),
        AnyMessage.Array[0, 8],
        (first, rest) => rest.Prepend(first).ToArray());

    [Fact]
    public async Task Any_call_must_end_within_the_protocol_on_its_own_stream_and_leave_no_session()
    {
        await using var server = await EdgeServer.StartAsync(sampleRate: 8000, edgeHocon: "akka-media.edge.max-message-bytes = 2048");

        await Client.SampleAsync(
            async messages =>
            {
                await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
                foreach (var message in messages.Append(Text(Call.Stop())))
                {
                    try
                    {
                        await (message.Text is { } text ? client.SendTextAsync(text) : client.SendBinaryAsync(message.Bytes!));
                    }
                    catch (WebSocketException)
                    {
                        break;
                    }
                }

                var (before, close) = await client.ReceiveUntilCloseAsync();

                Assert.True(
                    close.Status == WebSocketCloseStatus.NormalClosure || (close.Status == WebSocketCloseStatus.PolicyViolation && !string.IsNullOrEmpty(close.Reason)),
                    $"closed with {close.Status} ({close.Reason})");
                Assert.All(before, m => Assert.Equal(Call.StreamSid, m.Json.GetProperty("streamSid").GetString()));
                await AwaitNoSessionAsync(server);
            },
            iter: 100,
            threads: 1);

        Assert.Equal(0, server.Host.Sessions);
    }

    private static Message Text(string text) => new(text, null);

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
