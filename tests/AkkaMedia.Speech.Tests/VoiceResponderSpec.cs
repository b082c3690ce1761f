using System.Diagnostics;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Speech.Voice;

namespace AkkaMedia.Speech.Tests;

public sealed class VoiceResponderSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(60);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_transcript_must_be_answered_aloud_at_real_time_and_never_more_than_the_lead_ahead()
    {
        var (source, sink) = Materialize();
        sink.Request(1000);

        // The clock starts before the reply can: a frame seen at elapsed t left no earlier than it was due, whatever
        // delays the test thread had, so a correct responder always meets the bound below.
        var clock = Stopwatch.StartNew();
        source.SendNext(new SpeechSegment(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        source.SendNext(new Transcript("turn on the lights", TimeSpan.Zero, TimeSpan.FromSeconds(1)));

        Assert.IsType<SpeechSegment>(sink.ExpectNext(Patience));
        Assert.Equal("turn on the lights", Assert.IsType<Transcript>(sink.ExpectNext(Patience)).Text);
        Assert.Equal("You said: turn on the lights", Assert.IsType<VoiceReply>(sink.ExpectNext(Patience)).Text);
        var turn = Assert.IsType<TurnLatency>(sink.ExpectNext(Patience));
        Assert.True(turn.ToFirstAudio >= turn.ToTranscript);

        // Every frame leaves no earlier than its play time minus the lead.
        var frames = 0;
        var audio = TimeSpan.Zero;
        while (frames < 40)
        {
            var frame = Assert.IsType<AudioFrame>(sink.ExpectNext(Patience));
            Assert.Equal((16000, 1), (frame.SampleRate, frame.Channels));
            Assert.True(audio <= clock.Elapsed + Lead, $"frame {frames} ({audio.TotalMilliseconds} ms of audio before it) left at {clock.Elapsed.TotalMilliseconds:0} ms: more than the lead ahead");
            audio += frame.Duration;
            frames++;
        }

        sink.Cancel();
    }

    [Fact]
    public void Speech_during_the_reply_must_stop_it_at_once_and_say_so()
    {
        var (source, sink) = Materialize();
        sink.Request(5000);

        // A reply of many seconds, so that the barge-in lands in it however slowly this test's thread runs. The clock
        // starts before the reply can, so no correct responder sends more than the clock plus the lead.
        var clock = Stopwatch.StartNew();
        source.SendNext(new Transcript(string.Join(' ', Enumerable.Repeat("tell me a long story about the sea and the ships", 6)), TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        Assert.IsType<Transcript>(sink.ExpectNext(Patience));
        Assert.IsType<VoiceReply>(sink.ExpectNext(Patience));
        var sent = TimeSpan.Zero;
        for (var i = 0; i < 10; i++)
        {
            sent += Assert.IsType<AudioFrame>(sink.ExpectNext(Patience)).Duration;
        }

        source.SendNext(new SpeechStarted(TimeSpan.FromSeconds(3)));

        // Frames sent before the barge-in reached the stage may still arrive; then the interruption, and no more reply
        // audio. What had been sent ahead of real time was at most the lead (plus the frame on its way).
        object next;
        while ((next = sink.ExpectNext(Patience)) is AudioFrame frame)
        {
            sent += frame.Duration;
        }

        var elapsed = clock.Elapsed;
        var interrupted = Assert.IsType<ReplyInterrupted>(next);
        Assert.Equal(sent.TotalMilliseconds, interrupted.Played.TotalMilliseconds, 0.5);
        Assert.True(interrupted.Dropped > TimeSpan.Zero, "nothing of the reply was dropped");
        Assert.True(interrupted.Played + interrupted.Dropped > TimeSpan.FromSeconds(5), $"the reply was {interrupted.Played + interrupted.Dropped} long");
        Assert.True(
            interrupted.Played <= elapsed + Lead + TimeSpan.FromMilliseconds(40),
            $"{interrupted.Played} of the reply was sent in {elapsed}: more than the lead ahead of real time");
        Assert.InRange(interrupted.Ahead, TimeSpan.Zero, Lead + TimeSpan.FromMilliseconds(20));
        Assert.IsType<SpeechStarted>(sink.ExpectNext(Patience));
        sink.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        source.SendComplete();
        sink.ExpectComplete();
    }

    [Fact]
    public void At_end_of_stream_the_reply_must_play_out_before_the_stage_completes_and_audio_in_must_not_be_echoed()
    {
        var (source, sink) = Materialize();
        sink.Request(1000);
        source.SendNext(new AudioFrame(new float[320], 16000, 1));
        source.SendNext(new Transcript("", TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        source.SendNext(new Transcript("yes", TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        source.SendComplete();

        var elements = sink.ToStrict(Patience).ToList();

        // The empty transcript is passed on without a reply; the input frame is not echoed; the reply is whole.
        Assert.Equal(2, elements.OfType<Transcript>().Count());
        Assert.Equal("You said: yes", Assert.Single(elements.OfType<VoiceReply>()).Text);
        var reply = elements.OfType<AudioFrame>().ToList();
        Assert.True(reply.Sum(f => f.Duration.TotalSeconds) > 0.8, $"{reply.Count} frames of reply");
        Assert.Equal(Enumerable.Range(0, reply.Count).Select(i => (long)i), reply.Select(f => f.Sequence));
    }

    private (TestPublisher.Probe<object> Source, TestSubscriber.Probe<object> Sink) Materialize() =>
        this.SourceProbe<object>()
            .Via(Flow.FromGraph(new VoiceResponderStage("You said: {text}", "en-us", 175, 16000, Lead)))
            .ToMaterialized(this.SinkProbe<object>(), Keep.Both)
            .Run(Sys.Materializer());
}
