using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Tts;
using Xunit.Abstractions;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// <c>akkamedia serve hocon/pipelines/voice-loop.conf</c> with its recognizer on an executor, driven by a client that
/// talks at real time: a question, then, while the spoken reply is playing, a second utterance that barges in.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class VoiceLoopSpec(SpeechExecutor executor, ITestOutputHelper output) : IClassFixture<SpeechExecutor>
{
    private const int Rate = 16000;
    private const int Packet = Rate / 50;

    [Fact]
    public async Task A_question_must_be_transcribed_and_answered_aloud_and_talking_over_the_answer_must_stop_it()
    {
        await using var serve = await ServeRun.StartAsync(executor.Address, "voice-loop.conf");
        var (client, _) = await EdgeClient.StartAsync(serve.WebSocketUri("/media"), Rate);
        await using var _ = client;
        var clock = Stopwatch.StartNew();
        var received = new List<(TimeSpan At, EdgeClient.Message Message)>();
        var replyPackets = 0;
        var receiving = Task.Run(async () =>
        {
            while (true)
            {
                var message = await client.ReceiveAsync();
                lock (received)
                {
                    received.Add((clock.Elapsed, message));
                    replyPackets += message.Type == WebSocketMessageType.Binary ? 1 : 0;
                }

                if (message.Type == WebSocketMessageType.Close)
                {
                    if (client.Socket.State == WebSocketState.CloseReceived)
                    {
                        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                    }

                    return;
                }
            }
        });

        // Talk at real time, as a microphone does: silence, the question, silence until the answer has been playing for
        // 400 ms, then a second utterance over it, then silence, then stop.
        var question = Say("What is the weather like in Paris today?");
        var bargeIn = Say("Stop, that is enough, thank you.");
        var script = new Queue<short[]>(Packets(new short[Rate / 2]).Concat(Packets(question)));
        var onset = TimeSpan.Zero;
        var phase = 0;
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var deadline = TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline)
        {
            await pace.WaitForNextTickAsync();
            if (script.Count == 0)
            {
                int heard;
                lock (received)
                {
                    heard = replyPackets;
                }

                if (phase == 0 && heard >= 20)
                {
                    phase = 1;
                    onset = clock.Elapsed;
                    foreach (var p in Packets(bargeIn).Concat(Packets(new short[Rate * 3 / 2])))
                    {
                        script.Enqueue(p);
                    }
                }
                else if (phase == 1)
                {
                    break;
                }
                else
                {
                    script.Enqueue(new short[Packet]);
                }
            }

            await client.SendBinaryAsync(Bytes(script.Dequeue()));
        }

        await client.SendTextAsync("""{"type":"stop"}""");
        await receiving.WaitAsync(TimeSpan.FromSeconds(30));

        var events = received.Where(r => r.Message.Type == WebSocketMessageType.Text).Select(r => (r.At, Json: r.Message.Json)).ToList();
        foreach (var (at, json) in events)
        {
            output.WriteLine($"{at.TotalMilliseconds,8:0} ms  {json.GetRawText()}");
        }

        Assert.Equal(1, phase);
        string Type(JsonElement e) => e.GetProperty("type").GetString()!;
        var transcript = events.First(e => Type(e.Json) == "transcript").Json.GetProperty("text").GetString()!;
        // What was heard is the question, give or take a word (Moonshine tiny hears espeak-ng's "weather" as "whether" at times).
        var asked = SpokenWords.Of("What is the weather like in Paris today?");
        var understood = SpokenWords.Of(transcript);
        Assert.True(asked.Count(understood.Contains) * 2 >= asked.Length, $"heard '{transcript}'");
        var reply = events.First(e => Type(e.Json) == "reply").Json.GetProperty("text").GetString()!;
        Assert.Equal("You said: " + transcript, reply);
        var turn = events.First(e => Type(e.Json) == "turn").Json;
        Assert.InRange(turn.GetProperty("transcriptMs").GetDouble(), 0, turn.GetProperty("firstAudioMs").GetDouble());

        // The barge-in: after the user started speaking over the reply, the reply stopped and the client was told.
        var interrupted = events.First(e => Type(e.Json) == "interrupted");
        Assert.True(interrupted.At > onset, "interrupted before the user barged in");
        Assert.True(interrupted.Json.GetProperty("droppedMs").GetDouble() > 0, "nothing of the reply was left to drop");
        var index = received.FindIndex(r => r.Message.Type == WebSocketMessageType.Text && Type(r.Message.Json) == "interrupted");
        var replyAfter = received.Skip(index).TakeWhile(r => !(r.Message.Type == WebSocketMessageType.Text && Type(r.Message.Json) == "reply")).Count(r => r.Message.Type == WebSocketMessageType.Binary);
        Assert.Equal(0, replyAfter);
        var lastReplyPacket = received.Take(index).Last(r => r.Message.Type == WebSocketMessageType.Binary).At;
        output.WriteLine($"barge-in: onset sent at {onset.TotalMilliseconds:0} ms, interrupted received {(interrupted.At - onset).TotalMilliseconds:0} ms later, last reply audio {(lastReplyPacket - onset).TotalMilliseconds:0} ms after the onset");

        // The close: stopped, normal closure.
        Assert.Equal(WebSocketCloseStatus.NormalClosure, received[^1].Message.Status);

        // The turns are in /metrics as histograms: two turns, each with its latency to the first reply audio.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(serve.Url + "/metrics"));
        var count = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("akkamedia_speech_voice_turn_first_audio_seconds_count", StringComparison.Ordinal));
        Assert.True(count is not null, "no akkamedia_speech_voice_turn_first_audio_seconds histogram in /metrics:\n" + string.Join("\n", metrics.Split('\n').Where(l => l.Contains("speech", StringComparison.Ordinal) || l.Contains("turn", StringComparison.Ordinal))));
        Assert.True(double.Parse(count.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) >= 2, count);
    }

    private static short[] Say(string text)
    {
        using var tts = new TextToSpeechNode(sampleRate: Rate);
        tts.Initialize(NodeContext.Detached("tts"));
        var frames = new List<AudioFrame>();
        tts.Process(new TextFrame(text), new Collect(frames));
        return frames.SelectMany(f => f.Samples.ToArray()).Select(s => (short)Math.Clamp(s * 32767f, -32768f, 32767f)).ToArray();
    }

    private static IEnumerable<short[]> Packets(short[] samples)
    {
        for (var offset = 0; offset < samples.Length; offset += Packet)
        {
            var packet = new short[Packet];
            samples.AsSpan(offset, Math.Min(Packet, samples.Length - offset)).CopyTo(packet);
            yield return packet;
        }
    }

    private static byte[] Bytes(short[] packet)
    {
        var bytes = new byte[packet.Length * 2];
        Buffer.BlockCopy(packet, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private sealed class Collect(List<AudioFrame> frames) : INodeOutput<AudioFrame>
    {
        public void Emit(AudioFrame element) => frames.Add(element);
    }
}
