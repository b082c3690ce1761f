using System.Net.WebSockets;
using AkkaMedia.Host.Edge.Codecs;
using AkkaMedia.Host.Tests.Edge.Twilio;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// A phone call through <c>akkamedia serve</c> whose stage runs on an executor: <c>/twilio</c> is served next to
/// <c>/media</c>, the caller's audio makes the round trip through the remote stage and back as μ-law at its level, the mark
/// is answered, the call ends with 1000, and the remote session is released.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class TwilioServeSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ServeExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ServeExecutor _executor;

    public TwilioServeSpec(ServeExecutor executor) => _executor = executor;

    [Fact]
    public async Task A_call_must_make_the_round_trip_through_a_remote_stage_and_release_it_when_it_stops()
    {
        await using var serve = await ServeRun.StartAsync(_executor.Address);

        const int packets = 50;
        var call = new TwilioCall();
        var codes = TwilioEndpointSpec.ToneCodes(G711Law.MuLaw, 300, packets);
        await using (var client = await EdgeClient.ConnectAsync(serve.WebSocketUri("/twilio")))
        {
            await client.SendTextAsync(TwilioCall.Connected());
            await client.SendTextAsync(call.Start());
            for (var p = 0; p < packets; p++)
            {
                await client.SendTextAsync(call.Media(codes.AsSpan(p * 160, 160)));
            }

            await client.SendTextAsync(call.Mark("end of greeting"));
            await client.SendTextAsync(call.Stop());
            var (before, close) = await client.ReceiveUntilCloseAsync();

            var messages = before.Select(m => m.Json).ToList();
            var back = messages.Where(m => m.GetProperty("event").GetString() == "media").SelectMany(TwilioEndpointSpec.Payload).ToArray();
            Assert.All(messages, m => Assert.Equal(call.StreamSid, m.GetProperty("streamSid").GetString()));
            Assert.Equal("end of greeting", Assert.Single(messages, m => m.GetProperty("event").GetString() == "mark").GetProperty("mark").GetProperty("name").GetString());
            Assert.InRange(back.Length, codes.Length - 160, codes.Length + 160);
            Assert.InRange(Rms(back.Skip(160).SkipLast(160)), Rms(codes.Skip(160).SkipLast(160)) * 0.9, Rms(codes.Skip(160).SkipLast(160)) * 1.1);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
        }

        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), Timeout, TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, await serve.StopAsync());
    }

    private static double Rms(IEnumerable<byte> codes)
    {
        var samples = codes.Select(G711Codec.MuLaw.Decode).ToList();
        return Math.Sqrt(samples.Sum(s => (double)s * s) / samples.Count);
    }
}
