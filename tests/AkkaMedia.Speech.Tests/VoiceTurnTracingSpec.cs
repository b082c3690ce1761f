using System.Diagnostics;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Speech.Voice;
using AkkaMedia.Tests.Tracing;

namespace AkkaMedia.Speech.Tests;

/// <summary>The voice responder's turns as spans: one per turn, in the trace its stream was materialized in.</summary>
[Collection(TracingCollection.Name)]
public sealed class VoiceTurnTracingSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string VoiceTurn = "akkamedia.voice.turn";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Each_voice_turn_must_be_one_span_saying_whether_it_was_interrupted_with_its_latencies()
    {
        using var spans = new SpanRecorder();
        using var call = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).Start();
        var (source, sink) = this.SourceProbe<object>()
            .Via(Flow.FromGraph(new VoiceResponderStage("You said: {text}", "en-us", 175, 16000, TimeSpan.FromMilliseconds(60))))
            .ToMaterialized(this.SinkProbe<object>(), Keep.Both)
            .Run(Sys.Materializer());
        call.Stop();
        sink.Request(10_000);

        // Turn 1: cut by the user speaking after a few frames of the reply.
        source.SendNext(new SpeechSegment(TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        source.SendNext(new Transcript("tell me a long story about the sea and the ships", TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        var frames = 0;
        while (frames < 5)
        {
            if (sink.ExpectNext(Patience) is AudioFrame)
            {
                frames++;
            }
        }

        source.SendNext(new SpeechStarted(TimeSpan.FromSeconds(3)));
        while (sink.ExpectNext(Patience) is not ReplyInterrupted)
        {
        }

        // Turn 2: played to its end, then the stream completes.
        source.SendNext(new SpeechSegment(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4)));
        source.SendNext(new Transcript("yes", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4)));
        source.SendComplete();
        Assert.Contains(sink.ToStrict(Patience).ToList(), e => e is TurnLatency);
        await AwaitAssertAsync(() => Assert.Equal(2, spans.Stopped(VoiceTurn).Count), Patience);

        var (cut, whole) = (spans.Stopped(VoiceTurn)[0], spans.Stopped(VoiceTurn)[1]);
        Assert.Equal((1, true), (cut.GetTagItem("akkamedia.voice.turn"), cut.GetTagItem("akkamedia.voice.interrupted")));
        Assert.Equal((2, false), (whole.GetTagItem("akkamedia.voice.turn"), whole.GetTagItem("akkamedia.voice.interrupted")));
        Assert.True((double)cut.GetTagItem("akkamedia.voice.dropped_ms")! > 1000);
        Assert.All([cut, whole], turn =>
        {
            Assert.Equal(call.TraceId, turn.TraceId);
            Assert.Equal(call.SpanId, turn.ParentSpanId);
            Assert.IsType<double>(turn.GetTagItem("akkamedia.voice.transcript_ms"));
            Assert.True((double)turn.GetTagItem("akkamedia.voice.first_audio_ms")! >= (double)turn.GetTagItem("akkamedia.voice.transcript_ms")!);
        });
    }
}
