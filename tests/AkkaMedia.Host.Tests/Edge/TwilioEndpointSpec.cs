using System.Net.WebSockets;
using System.Text.Json;
using AkkaMedia.Frames;
using AkkaMedia.Host.Edge.Codecs;
using AkkaMedia.Host.Tests.Edge.Twilio;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// The <c>/twilio</c> protocol of docs/edge-protocol.md against an edge server in this process, driven by a recorded-style
/// Twilio Media Streams call: the caller's audio back as 20 ms <c>media</c> messages with the stream's sid, marks
/// answered, 1000 after <c>stop</c>; violations closed with 1008 and the reason in the close frame, a failed pipeline
/// with 1011; no session left running whatever the ending.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class TwilioEndpointSpec
{
    private const int PacketBytes = 160; // 20 ms of 8 kHz G.711

    [Theory]
    [InlineData("audio/x-mulaw")]
    [InlineData("audio/x-alaw")]
    public async Task A_call_must_get_its_audio_back_code_for_code_in_20_ms_media_messages_with_its_streamSid_its_marks_answered_and_close_1000(string encoding)
    {
        // The pipeline runs at the call's own 8 kHz mono: nothing is resampled, so G.711 comes back code for code.
        await using var server = await EdgeServer.StartAsync(sampleRate: 8000);
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
        var call = new TwilioCall(encoding);
        var law = encoding == "audio/x-alaw" ? G711Law.ALaw : G711Law.MuLaw;
        var codes = ToneCodes(law, 440, packets: 25);

        await client.SendTextAsync(TwilioCall.Connected());
        await client.SendTextAsync(call.Start());
        for (var p = 0; p < 25; p++)
        {
            await client.SendTextAsync(call.Media(codes.AsSpan(p * PacketBytes, PacketBytes)));
            if (p == 10)
            {
                await client.SendTextAsync(call.Dtmf('4'));
                await client.SendTextAsync(call.Mark("first"));
            }
        }

        await client.SendTextAsync(call.Mark("second"));
        await client.SendTextAsync(call.Stop());
        var (before, close) = await client.ReceiveUntilCloseAsync();

        Assert.All(before, m => Assert.Equal(WebSocketMessageType.Text, m.Type));
        var messages = before.Select(m => m.Json).ToList();
        Assert.All(messages, m => Assert.Equal(call.StreamSid, m.GetProperty("streamSid").GetString()));
        var media = messages.Where(m => m.GetProperty("event").GetString() == "media").Select(Payload).ToList();
        Assert.Equal(codes, media.SelectMany(p => p));
        Assert.All(media, p => Assert.Equal(PacketBytes, p.Length));
        Assert.Equal(["first", "second"], messages.Where(m => m.GetProperty("event").GetString() == "mark").Select(m => m.GetProperty("mark").GetProperty("name").GetString()));
        Assert.Equal(media.Count + 2, messages.Count);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_call_through_a_48_kHz_pipeline_must_come_back_at_8_kHz_with_its_duration_and_level()
    {
        await using var server = await EdgeServer.StartAsync(sampleRate: 48000);
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
        var call = new TwilioCall();
        const int packets = 50;
        var codes = ToneCodes(G711Law.MuLaw, 300, packets);

        await client.SendTextAsync(call.Start());
        for (var p = 0; p < packets; p++)
        {
            await client.SendTextAsync(call.Media(codes.AsSpan(p * PacketBytes, PacketBytes)));
        }

        await client.SendTextAsync(call.Stop());
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var back = before.Select(m => m.Json).Where(m => m.GetProperty("event").GetString() == "media").SelectMany(Payload).ToArray();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        Assert.InRange(back.Length, codes.Length - PacketBytes, codes.Length + PacketBytes);

        // The tone keeps its level through the resampling both ways (the edges of the stream left out).
        var sent = Rms(Decode(G711Law.MuLaw, codes).Skip(PacketBytes).SkipLast(PacketBytes));
        var received = Rms(Decode(G711Law.MuLaw, back).Skip(PacketBytes).SkipLast(PacketBytes));
        Assert.InRange(received, sent * 0.9, sent * 1.1);
    }

    [Fact]
    public async Task Only_the_callers_inbound_track_must_reach_the_pipeline()
    {
        await using var server = await EdgeServer.StartAsync(sampleRate: 8000);
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
        var call = new TwilioCall();
        var inbound = ToneCodes(G711Law.MuLaw, 440, packets: 5);
        var outbound = ToneCodes(G711Law.MuLaw, 1000, packets: 5);

        await client.SendTextAsync(call.Start());
        for (var p = 0; p < 5; p++)
        {
            await client.SendTextAsync(call.Media(outbound.AsSpan(p * PacketBytes, PacketBytes), track: "outbound"));
            await client.SendTextAsync(call.Media(inbound.AsSpan(p * PacketBytes, PacketBytes)));
        }

        await client.SendTextAsync(call.Stop());
        var (before, close) = await client.ReceiveUntilCloseAsync();

        Assert.Equal(inbound, before.Select(m => m.Json).Where(m => m.GetProperty("event").GetString() == "media").SelectMany(Payload));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
    }

    public static TheoryData<string, string[], string> Violations()
    {
        var call = new TwilioCall();
        var start = call.Start();
        return new TheoryData<string, string[], string>
        {
            { "media before start", [TwilioCall.Connected(), call.Media(new byte[PacketBytes])], "media before start" },
            { "a mark before start", [call.Mark("early")], "mark before start" },
            { "a binary message", ["bin:160"], "binary message" },
            { "a payload that is not base64", [start, """{"event":"media","media":{"payload":"%%%%"}}"""], "media.payload is not base64" },
            { "an unsupported mediaFormat", [new TwilioCall("audio/l16").Start()], "unsupported start.mediaFormat.encoding" },
            { "JSON without an event", [start, """{"streamSid":"MZ1","media":{"payload":"AAAA"}}"""], "needs an \"event\"" },
            { "text that is not JSON", ["hello"], "not a JSON object" },
            { "a second start", [start, start], "a second start" },
            { "a message over max-message-bytes", [start, "text:70000"], "longer than the limit of 65536 bytes" },
        };
    }

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task A_violation_must_close_1008_with_what_to_fix_as_the_reason_and_leave_no_session(string what, string[] messages, string expected)
    {
        await using var server = await EdgeServer.StartAsync(sampleRate: 8000);
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
        foreach (var message in messages)
        {
            if (message.StartsWith("bin:", StringComparison.Ordinal))
            {
                await client.SendBinaryAsync(new byte[int.Parse(message[4..], System.Globalization.CultureInfo.InvariantCulture)]);
            }
            else if (message.StartsWith("text:", StringComparison.Ordinal))
            {
                await client.SendTextAsync(new string(' ', int.Parse(message[5..], System.Globalization.CultureInfo.InvariantCulture)));
            }
            else
            {
                await client.SendTextAsync(message);
            }
        }

        var (before, close) = await client.ReceiveUntilCloseAsync();

        Assert.True(before.Count == 0, $"{what}: Twilio has no error message, yet the server sent {before.Count} message(s)");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.Status);
        Assert.Contains(expected, close.Reason, StringComparison.Ordinal);
        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_silent_stream_must_be_closed_1008_after_the_idle_timeout_before_and_after_its_start()
    {
        await using var server = await EdgeServer.StartAsync(sampleRate: 8000, edgeHocon: "akka-media.edge.idle-timeout = 300ms");
        await using var waiting = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
        await using var started = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));

        await waiting.SendTextAsync(TwilioCall.Connected());
        await started.SendTextAsync(new TwilioCall().Start());
        var (_, waitingClose) = await waiting.ReceiveUntilCloseAsync();
        var (_, startedClose) = await started.ReceiveUntilCloseAsync();

        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "idle timeout"), (waitingClose.Status, waitingClose.Reason));
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "idle timeout"), (startedClose.Status, startedClose.Reason));
        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_stop_before_start_must_close_1000_without_a_session()
    {
        await using var server = await EdgeServer.StartAsync(sampleRate: 8000);
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));

        await client.SendTextAsync(TwilioCall.Connected());
        await client.SendTextAsync(new TwilioCall().Stop());
        var (before, close) = await client.ReceiveUntilCloseAsync();

        Assert.Empty(before);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_failing_pipeline_must_close_1011_naming_the_failure()
    {
        var registry = BuiltInNodes.CreateRegistry().Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "Faulty", "Throws on the first frame.", _ => new FaultyNode()));
        await using var server = await EdgeServer.StartAsync(stagesHocon: "{ type = Faulty }", sampleRate: 8000, registry: registry);
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
        var call = new TwilioCall();

        await client.SendTextAsync(call.Start());
        await client.SendTextAsync(call.Media(new byte[PacketBytes]));
        var (before, close) = await client.ReceiveUntilCloseAsync();

        Assert.Empty(before);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, close.Status);
        Assert.StartsWith("pipeline failed: ", close.Reason, StringComparison.Ordinal);
        Assert.Contains("Faulty", close.Reason, StringComparison.Ordinal);
        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_caller_that_hangs_up_without_stop_must_end_its_session()
    {
        await using var server = await EdgeServer.StartAsync(sampleRate: 8000);
        var client = await EdgeClient.ConnectAsync(server.WebSocketUri("/twilio"));
        var call = new TwilioCall();
        await client.SendTextAsync(call.Start());
        await client.SendTextAsync(call.Media(new byte[PacketBytes]));
        await WaitForSessionsAsync(server, 1);

        client.Socket.Abort();
        await client.DisposeAsync();

        await AssertNoSessionAsync(server);
    }

    internal static byte[] ToneCodes(G711Law law, double frequency, int packets)
    {
        var tone = Enumerable.Range(0, packets * PacketBytes).Select(i => 0.25f * (float)Math.Sin(2 * Math.PI * frequency * i / 8000)).ToArray();
        var codes = new byte[tone.Length];
        G711Codec.For(law).Encode(tone, codes);
        return codes;
    }

    internal static byte[] Payload(JsonElement media) => Convert.FromBase64String(media.GetProperty("media").GetProperty("payload").GetString()!);

    private static float[] Decode(G711Law law, byte[] codes)
    {
        var samples = new float[codes.Length];
        G711Codec.For(law).Decode(codes, samples);
        return samples;
    }

    private static double Rms(IEnumerable<float> samples)
    {
        var list = samples.ToList();
        return Math.Sqrt(list.Sum(s => (double)s * s) / list.Count);
    }

    private static async Task WaitForSessionsAsync(EdgeServer server, int count)
    {
        using var timeout = new CancellationTokenSource(EdgeClient.Timeout);
        while (server.Host.Sessions != count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async Task AssertNoSessionAsync(EdgeServer server)
    {
        await WaitForSessionsAsync(server, 0);
        Assert.Equal(0, server.Host.Sessions);
    }

    private sealed class FaultyNode : Node<AudioFrame, AudioFrame>
    {
        public override void Process(AudioFrame input, INodeOutput<AudioFrame> output) =>
            throw new InvalidOperationException("the microphone caught fire");
    }
}
