using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// The <c>/media</c> protocol of docs/edge-protocol.md against an edge server in this process: sessions, audio both ways
/// through the pipeline, ping, stop, every violation's error and close code, admission and limits; and that no session is
/// left running whatever the ending.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class MediaEndpointSpec
{
    [Fact]
    public async Task A_session_must_return_pcm16_through_a_pass_through_sample_for_sample_in_20_ms_packets_and_stop_with_the_counts()
    {
        await using var server = await EdgeServer.StartAsync();
        var (client, session) = await EdgeClient.StartAsync(server.WebSocketUri(), 48000);
        await using var _ = client;
        var sent = new List<byte>();
        var sizes = new[] { 960, 480, 1440, 7, 953 };
        long position = 0;
        foreach (var frames in sizes)
        {
            var packet = TestPcm.Tone(48000, 1, frames, position);
            position += frames;
            sent.AddRange(packet);
            await client.SendBinaryAsync(packet);
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        var (before, close) = await client.ReceiveUntilCloseAsync();

        Assert.Matches("^[0-9a-f]{12}$", session);
        var audio = before.Where(m => m.Type == WebSocketMessageType.Binary).ToList();
        Assert.Equal(sent, audio.SelectMany(m => m.Bytes));
        Assert.All(audio.SkipLast(1), m => Assert.Equal(960 * 2, m.Bytes.Length));
        var stopped = before.Last().Json;
        Assert.Equal("stopped", stopped.GetProperty("type").GetString());
        Assert.Equal(sizes.Length, stopped.GetProperty("framesIn").GetInt64());
        Assert.Equal(audio.Count, stopped.GetProperty("framesOut").GetInt64());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        await AssertNoSessionAsync(server);
    }

    [Theory]
    [InlineData(16000, 1)]
    [InlineData(44100, 2)]
    [InlineData(8000, 1)]
    public async Task A_client_at_another_rate_or_channel_count_must_get_its_own_format_back_at_the_same_duration_and_level(int rate, int channels)
    {
        await using var server = await EdgeServer.StartAsync();
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), rate, channels);
        await using var __ = client;
        var packetFrames = rate / 50;
        for (var i = 0; i < 50; i++)
        {
            await client.SendBinaryAsync(TestPcm.Tone(rate, channels, packetFrames, (long)i * packetFrames, 300));
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var audio = before.Where(m => m.Type == WebSocketMessageType.Binary).ToList();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        Assert.All(audio.SkipLast(1), m => Assert.Equal(packetFrames * channels * 2, m.Bytes.Length));
        var returnedFrames = audio.Sum(m => m.Bytes.Length) / (2 * channels);
        Assert.InRange(returnedFrames, (50 * packetFrames) - packetFrames, (50 * packetFrames) + packetFrames);

        // The tone keeps its level through the round trip (resampled and mixed down to mono and back where needed).
        var samples = audio.SelectMany(m => TestPcm.Samples(m.Bytes)).Skip(packetFrames * channels).SkipLast(packetFrames * channels).ToList();
        Assert.InRange(TestPcm.Rms(samples), 0.25 / Math.Sqrt(2) * 0.9, 0.25 / Math.Sqrt(2) * 1.1);
    }

    [Fact]
    public async Task A_ping_must_be_answered_with_a_pong_carrying_its_id_as_given()
    {
        await using var server = await EdgeServer.StartAsync();
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 16000);
        await using var __ = client;

        await client.SendTextAsync("""{"type":"ping","id":{"t":12.5,"n":"x"}}""");
        var pong = await client.ReceiveAsync();

        Assert.Equal("""{"type":"pong","id":{"t":12.5,"n":"x"}}""", pong.Text);
    }

    [Fact]
    public async Task A_stage_that_emits_decisions_must_reach_the_client_as_events_and_a_VAD_only_when_its_decision_changes()
    {
        await using var server = await EdgeServer.StartAsync(stagesHocon: "{ type = Vad, threshold-db = -30, hangover = 0ms }");
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 16000);
        await using var __ = client;
        var silence = new byte[320 * 2];
        for (var i = 0; i < 10; i++)
        {
            await client.SendBinaryAsync(silence);
        }

        for (var i = 0; i < 10; i++)
        {
            await client.SendBinaryAsync(TestPcm.Tone(16000, 1, 320, i * 320L));
        }

        for (var i = 0; i < 10; i++)
        {
            await client.SendBinaryAsync(silence);
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        var (before, _) = await client.ReceiveUntilCloseAsync();

        var vad = before.Where(m => m.Type == WebSocketMessageType.Text && m.Json.GetProperty("type").GetString() == "vad").Select(m => m.Json).ToList();
        Assert.Equal([false, true, false], vad.Select(e => e.GetProperty("speech").GetBoolean()));
        Assert.Equal(200, vad[1].GetProperty("timestampMs").GetInt64());
        Assert.Equal(400, vad[2].GetProperty("timestampMs").GetInt64());
        Assert.DoesNotContain(before, m => m.Type == WebSocketMessageType.Binary);
    }

    public static TheoryData<string, string[], string> Violations => new()
    {
        { "audio before start", ["bin:2"], "The first message must be the text message" },
        { "a first message that is not a start", ["""{"type":"stop"}"""], "The first message must be a start" },
        { "a rate out of range", ["""{"type":"start","sampleRate":7}"""], "start.sampleRate must be between 8000 and 192000 Hz; it is 7." },
        { "a rate that is not a multiple of 50", ["""{"type":"start","sampleRate":11025}"""], "start.sampleRate must be a multiple of 50 Hz" },
        { "a rate that is not a number", ["""{"type":"start","sampleRate":"fast"}"""], "start.sampleRate must be a whole number" },
        { "no rate", ["""{"type":"start"}"""], "start needs \"sampleRate\"" },
        { "too many channels", ["""{"type":"start","sampleRate":16000,"channels":9}"""], "start.channels must be between 1 and 8; it is 9." },
        { "an unknown encoding", ["""{"type":"start","sampleRate":16000,"encoding":"mp3"}"""], "Unknown encoding 'mp3'" },
        { "JSON that is not an object", ["[1,2,3]"], "this one is not an object" },
        { "text that is not JSON", ["hello"], "this one is not valid JSON" },
        { "an object without a type", ["""{"kind":"start"}"""], "needs a string \"type\"" },
        { "a torn sample frame", ["""{"type":"start","sampleRate":16000,"channels":2}""", "bin:6"], "Torn sample frame" },
        { "a second start", ["""{"type":"start","sampleRate":16000}""", """{"type":"start","sampleRate":16000}"""], "A second start" },
        { "an unknown message type", ["""{"type":"start","sampleRate":16000}""", """{"type":"dance"}"""], "Unknown message type 'dance'" },
        { "an oversized message", ["""{"type":"start","sampleRate":16000}""", "bin:70000"], "longer than the limit of 65536 bytes" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task A_violation_must_get_an_error_saying_what_to_fix_then_close_1008_and_leave_no_session(string what, string[] messages, string expected)
    {
        await using var server = await EdgeServer.StartAsync();
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri());
        foreach (var message in messages)
        {
            if (message.StartsWith("bin:", StringComparison.Ordinal))
            {
                await client.SendBinaryAsync(new byte[int.Parse(message[4..], System.Globalization.CultureInfo.InvariantCulture)]);
            }
            else
            {
                await client.SendTextAsync(message);
            }
        }

        var (before, close) = await client.ReceiveUntilCloseAsync();

        var error = before.Last(m => m.Type == WebSocketMessageType.Text).Json;
        Assert.True(error.GetProperty("type").GetString() == "error", $"{what}: expected an error last, got {before.Last().Text}");
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.Status);
        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_silent_client_must_be_told_and_closed_after_the_idle_timeout_before_and_after_its_start()
    {
        await using var server = await EdgeServer.StartAsync(edgeHocon: "akka-media.edge.idle-timeout = 300ms");
        await using var silentFromTheStart = await EdgeClient.ConnectAsync(server.WebSocketUri());
        var (startedThenSilent, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 16000);
        await using var __ = startedThenSilent;

        foreach (var client in new[] { silentFromTheStart, startedThenSilent })
        {
            var (before, close) = await client.ReceiveUntilCloseAsync();
            Assert.Contains("akka-media.edge.idle-timeout", before.Last().Json.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.Status);
        }

        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_connection_beyond_max_sessions_must_be_told_to_try_again_later_with_1013_and_the_others_keep_running()
    {
        await using var server = await EdgeServer.StartAsync(edgeHocon: "akka-media.edge.max-sessions = 2");
        var (first, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 16000);
        var (second, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 16000);
        await using var a = first;
        await using var b = second;

        await using var third = await EdgeClient.ConnectAsync(server.WebSocketUri());
        var (before, close) = await third.ReceiveUntilCloseAsync();

        Assert.Contains("limit of 2 sessions (--max-sessions)", before.Single().Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((WebSocketCloseStatus)1013, close.Status);
        await first.SendTextAsync("""{"type":"ping","id":1}""");
        Assert.Equal("""{"type":"pong","id":1}""", (await first.ReceiveAsync()).Text);
        Assert.Equal(2, server.Host.Sessions);
    }

    [Fact]
    public async Task A_token_must_be_required_on_the_upgrade_as_a_bearer_header_or_a_query_parameter()
    {
        await using var server = await EdgeServer.StartAsync(edgeHocon: "akka-media.edge.token = s3cret");

        var none = await Assert.ThrowsAsync<WebSocketException>(() => EdgeClient.ConnectAsync(server.WebSocketUri()));
        var wrong = await Assert.ThrowsAsync<WebSocketException>(() => EdgeClient.ConnectAsync(server.WebSocketUri(), o => o.SetRequestHeader("Authorization", "Bearer nope")));
        await using var header = await EdgeClient.ConnectAsync(server.WebSocketUri(), o => o.SetRequestHeader("Authorization", "Bearer s3cret"));
        await using var query = await EdgeClient.ConnectAsync(new Uri(server.WebSocketUri() + "?token=s3cret"));

        Assert.Contains("401", none.Message, StringComparison.Ordinal);
        Assert.Contains("401", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, header.Socket.State);
        Assert.Equal(WebSocketState.Open, query.Socket.State);
        using var http = new HttpClient();
        var plain = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Http.Port}/media"));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
    }

    [Fact]
    public async Task A_browser_origin_must_be_the_servers_own_unless_allowed_and_clients_without_an_origin_are_not_affected()
    {
        await using var server = await EdgeServer.StartAsync();
        await using var allowedServer = await EdgeServer.StartAsync(edgeHocon: """akka-media.edge.allowed-origins = ["https://app.example"]""");

        var foreign = await Assert.ThrowsAsync<WebSocketException>(() => EdgeClient.ConnectAsync(server.WebSocketUri(), o => o.SetRequestHeader("Origin", "https://evil.example")));
        await using var own = await EdgeClient.ConnectAsync(server.WebSocketUri(), o => o.SetRequestHeader("Origin", $"http://127.0.0.1:{server.Http.Port}"));
        await using var app = await EdgeClient.ConnectAsync(server.WebSocketUri());
        await using var listed = await EdgeClient.ConnectAsync(allowedServer.WebSocketUri(), o => o.SetRequestHeader("Origin", "https://app.example"));
        var unlisted = await Assert.ThrowsAsync<WebSocketException>(() => EdgeClient.ConnectAsync(allowedServer.WebSocketUri(), o => o.SetRequestHeader("Origin", $"http://127.0.0.1:{allowedServer.Http.Port}")));

        Assert.Contains("403", foreign.Message, StringComparison.Ordinal);
        Assert.Contains("403", unlisted.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, own.Socket.State);
        Assert.Equal(WebSocketState.Open, app.Socket.State);
        Assert.Equal(WebSocketState.Open, listed.Socket.State);
    }

    [Fact]
    public async Task A_failing_pipeline_must_send_an_error_naming_the_stage_and_close_1011()
    {
        var registry = BuiltInNodes.CreateRegistry().Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "Faulty", "Throws on the first frame.", _ => new FaultyNode()));
        await using var server = await EdgeServer.StartAsync(stagesHocon: "{ type = Faulty }", registry: registry);
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 48000);
        await using var __ = client;

        await client.SendBinaryAsync(TestPcm.Tone(48000, 1, 960, 0));
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var error = before.Last().Json;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.StartsWith("The pipeline failed: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("FaultyNode", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("the microphone caught fire", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, close.Status);
        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_client_that_goes_away_must_end_its_session()
    {
        await using var server = await EdgeServer.StartAsync();
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 16000);
        await client.SendBinaryAsync(TestPcm.Tone(16000, 1, 320, 0));
        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await client.DisposeAsync();

        await AssertNoSessionAsync(server);
    }

    [Fact]
    public async Task A_client_that_does_not_read_must_not_hold_the_pipeline_and_every_packet_must_arrive_or_be_reported_dropped()
    {
        await using var server = await EdgeServer.StartAsync(edgeHocon: "akka-media.edge.outgoing-buffer = 100ms", sampleRate: 48000, channels: 2);
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 48000, 2);
        await using var __ = client;

        // 60 s of stereo audio (23 MB), sent without reading a byte: more than the loopback socket buffers hold both ways.
        const int packets = 3000;
        for (var i = 0; i < packets; i++)
        {
            await client.SendBinaryAsync(TestPcm.Tone(48000, 2, 960, i * 960L));
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var received = before.Count(m => m.Type == WebSocketMessageType.Binary);
        var dropped = before.Where(m => m.Type == WebSocketMessageType.Text && m.Json.GetProperty("type").GetString() == "dropped")
            .Sum(m => m.Json.GetProperty("frames").GetInt32());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        Assert.True(dropped > 0, $"The client read nothing while 60 s of audio went through, yet nothing was dropped ({received} received).");
        Assert.Equal(packets, received + dropped);
        var stopped = before.Last().Json;
        Assert.Equal(packets, stopped.GetProperty("framesIn").GetInt64());
        Assert.Equal(received, stopped.GetProperty("framesOut").GetInt64());

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.Http.Port}/metrics"));
        Assert.Contains($"akkamedia_edge_frames_dropped{{protocol=\"media\"}} {dropped}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_behind_a_live_client_by_more_than_max_input_lag_must_drop_incoming_audio_and_report_every_drop()
    {
        // A stage that takes 30 ms for every 20 ms packet: the server cannot keep up with a client speaking in real time.
        var registry = BuiltInNodes.CreateRegistry().Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "Slow", "Takes 30 ms a frame.", _ => new SlowNode(TimeSpan.FromMilliseconds(30))));
        await using var server = await EdgeServer.StartAsync(stagesHocon: "{ type = Slow }", edgeHocon: "akka-media.edge.max-input-lag = 200ms", registry: registry);
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 48000);
        await using var __ = client;

        // 3 s of audio at a live client's pace: one 20 ms packet every 20 ms.
        const int packets = 150;
        using (var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20)))
        {
            for (var i = 0; i < packets; i++)
            {
                await client.SendBinaryAsync(TestPcm.Tone(48000, 1, 960, i * 960L));
                await pace.WaitForNextTickAsync();
            }
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var notices = before.Where(m => m.Type == WebSocketMessageType.Text && m.Json.GetProperty("type").GetString() == "dropped").Select(m => m.Json).ToList();
        var incoming = notices.Sum(n => n.TryGetProperty("incoming", out var count) ? count.GetInt32() : 0);
        var outgoing = notices.Sum(n => n.GetProperty("frames").GetInt32());
        var received = before.Count(m => m.Type == WebSocketMessageType.Binary);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        Assert.True(incoming > 0, $"The server fell behind a live client and dropped nothing ({received} packets came back of {packets}).");
        Assert.Equal(packets, received + outgoing + incoming);
        Assert.Equal(packets, before.Last().Json.GetProperty("framesIn").GetInt64());

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.Http.Port}/metrics"));
        Assert.Contains($"akkamedia_edge_frames_dropped_incoming{{protocol=\"media\"}} {incoming}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopping_server_must_close_its_sessions_with_1001()
    {
        var server = await EdgeServer.StartAsync();
        var (client, _) = await EdgeClient.StartAsync(server.WebSocketUri(), 16000);
        await using var __ = client;

        var closing = client.ReceiveUntilCloseAsync();
        await server.DisposeAsync();
        var (before, close) = await closing;

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.Status);
        Assert.Contains("shutting down", before.Last().Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task AssertNoSessionAsync(EdgeServer server)
    {
        using var timeout = new CancellationTokenSource(EdgeClient.Timeout);
        while (server.Host.Sessions != 0)
        {
            await Task.Yield();
            await Task.Delay(10, timeout.Token);
        }

        Assert.Equal(0, server.Host.Sessions);
    }

    private sealed class SlowNode(TimeSpan perFrame) : Node<AudioFrame, AudioFrame>
    {
        public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
        {
            // Stands for a stage doing more work than real time allows.
            Thread.Sleep(perFrame);
            output.Emit(input);
        }
    }

    private sealed class FaultyNode : Node<AudioFrame, AudioFrame>
    {
        public override void Process(AudioFrame input, INodeOutput<AudioFrame> output) =>
            throw new InvalidOperationException("the microphone caught fire");
    }
}
