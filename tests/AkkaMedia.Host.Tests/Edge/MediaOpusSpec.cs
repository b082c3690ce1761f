using System.Net.WebSockets;
using AkkaMedia.Host.Edge.Codecs;
using AkkaMedia.Host.Tests.Edge.Codecs;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// The <c>opus</c> encoding of <c>/media</c> against an edge server in this process: one 20 ms Opus packet per binary
/// message both ways, a tone that keeps its frequency and level through the pipeline, and an undecodable packet or a
/// format Opus does not code answered with an <c>error</c> and 1008.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class MediaOpusSpec
{
    private const double Frequency = 1000;

    [Theory]
    [InlineData(48000, 1)]
    [InlineData(16000, 2)]
    [InlineData(8000, 1)]
    public async Task A_tone_sent_as_Opus_must_come_back_as_20_ms_Opus_packets_with_its_frequency_and_level(int rate, int channels)
    {
        const int packets = 50;
        const float level = 0.5f;
        await using var server = await EdgeServer.StartAsync();
        await using var client = await StartAsync(server, rate, channels);
        using var encoder = new OpusPacketEncoder(rate, channels);
        using var decoder = new OpusPacketDecoder(rate, channels);
        var tone = TestTone.Create(rate, channels, [level, level], encoder.PacketSamples * packets, Frequency);
        var packet = new byte[OpusFormat.MaxPacketBytes];

        for (var p = 0; p < packets; p++)
        {
            var length = encoder.Encode(tone.AsSpan(p * encoder.PacketSamples, encoder.PacketSamples), packet);
            await client.SendBinaryAsync(packet[..length]);
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var decoded = new List<float>();
        var samples = new float[decoder.MaxDecodedSamples];
        foreach (var message in before.Where(m => m.Type == WebSocketMessageType.Binary))
        {
            var count = decoder.Decode(message.Bytes, samples);
            Assert.Equal(encoder.PacketSamples, count);
            decoded.AddRange(samples.AsSpan(0, count));
        }

        Assert.InRange(decoded.Count, encoder.PacketSamples * (packets - 1), encoder.PacketSamples * (packets + 1));
        var settled = decoded.Skip(rate / 5 * channels).SkipLast(rate / 10 * channels).ToList(); // both codecs' delay, the stream's edges
        for (var channel = 0; channel < channels; channel++)
        {
            var (amplitude, share) = TestTone.Measure(TestTone.Channel(settled, channels, channel), rate, Frequency);
            Assert.True(Math.Abs(20 * Math.Log10(amplitude / level)) < 1.5, $"channel {channel}: the tone came back at {amplitude:F3}, sent at {level}");
            Assert.True(share > 0.9, $"channel {channel}: only {share:P1} of the returned energy is at {Frequency} Hz");
        }

        var stopped = before.Last().Json;
        Assert.Equal("stopped", stopped.GetProperty("type").GetString());
        Assert.Equal(packets, stopped.GetProperty("framesIn").GetInt64());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
    }

    [Fact]
    public async Task An_undecodable_Opus_packet_must_get_an_error_saying_so_and_close_1008()
    {
        await using var server = await EdgeServer.StartAsync();
        await using var client = await StartAsync(server, 48000, 1);

        // A code 3 packet (RFC 6716 §3.2.5) that says it holds zero frames.
        await client.SendBinaryAsync([0x0B, 0x00]);
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var error = before.Last().Json;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.StartsWith("undecodable Opus packet", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.Status);
    }

    [Theory]
    [InlineData(44100, 1, "start.sampleRate must be one of 8000, 12000, 16000, 24000, 48000 Hz with opus; it is 44100.")]
    [InlineData(48000, 3, "start.channels must be 1 or 2 with opus; it is 3.")]
    public async Task A_format_Opus_does_not_code_must_get_an_error_naming_what_it_codes_and_close_1008(int rate, int channels, string expected)
    {
        await using var server = await EdgeServer.StartAsync();
        await using var client = await EdgeClient.ConnectAsync(server.WebSocketUri());

        await client.SendTextAsync($$"""{"type":"start","sampleRate":{{rate}},"channels":{{channels}},"encoding":"opus"}""");
        var (before, close) = await client.ReceiveUntilCloseAsync();

        var error = Assert.Single(before).Json;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(expected, error.GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.Status);
    }

    private static async Task<EdgeClient> StartAsync(EdgeServer server, int rate, int channels)
    {
        var client = await EdgeClient.ConnectAsync(server.WebSocketUri());
        await client.SendTextAsync($$"""{"type":"start","sampleRate":{{rate}},"channels":{{channels}},"encoding":"opus"}""");
        var started = await client.ReceiveAsync();
        Assert.Equal("started", started.Json.GetProperty("type").GetString());
        return client;
    }
}
