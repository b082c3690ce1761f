using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Audio;

public sealed class VadNodeSpec : NodeContractSpec<AudioFrame, VadDecision>
{
    public VadNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<AudioFrame, VadDecision> CreateNode() => new VadNode();

    protected override IReadOnlyList<AudioFrame> ValidInputs() =>
        TestAudio.Frames(TestAudio.Sine(440, 48000, 2880), 48000, 1, 960);

    [Fact]
    public async Task Vad_must_separate_a_tone_from_silence()
    {
        var signal = new float[16000 * 2];
        TestAudio.Sine(1000, 16000, 16000 / 2).CopyTo(signal, 0);
        TestAudio.Sine(300, 16000, 16000 / 2, amplitude: 0.05).CopyTo(signal, 16000 + 8000);
        var inputs = TestAudio.Frames(signal, 16000, 1, 320);

        var decisions = await TestAudio.RunAsync(new VadNode(-40f, TimeSpan.Zero), inputs, Materializer);

        Assert.Equal(100, decisions.Count);
        var toneDb = 20 * Math.Log10(0.5 / Math.Sqrt(2));
        var quietToneDb = 20 * Math.Log10(0.05 / Math.Sqrt(2));
        for (var k = 0; k < 100; k++)
        {
            var decision = decisions[k];
            Assert.Equal(inputs[k].Sequence, decision.Sequence);
            Assert.Equal(inputs[k].Timestamp, decision.Timestamp);
            if (k < 25)
            {
                Assert.True(decision.IsSpeech, $"frame {k}");
                Assert.Equal(toneDb, decision.EnergyDb, 1);
            }
            else if (k < 75)
            {
                Assert.False(decision.IsSpeech, $"frame {k}");
                Assert.Equal(VadNode.FloorDb, decision.EnergyDb);
            }
            else
            {
                Assert.True(decision.IsSpeech, $"frame {k}");
                Assert.Equal(quietToneDb, decision.EnergyDb, 1);
            }
        }
    }

    [Fact]
    public async Task Vad_must_hold_speech_for_the_hangover_after_the_energy_drops()
    {
        var signal = new float[48000];
        TestAudio.Sine(440, 48000, 9600).CopyTo(signal, 0);
        var inputs = TestAudio.Frames(signal, 48000, 1, 960);

        var decisions = await TestAudio.RunAsync(new VadNode(-30f, TimeSpan.FromMilliseconds(60)), inputs, Materializer);

        // 10 tone frames of 20 ms, then three more frames within the 60 ms hangover.
        var speech = decisions.Select(d => d.IsSpeech).ToArray();
        Assert.Equal(Enumerable.Repeat(true, 13).Concat(Enumerable.Repeat(false, 37)), speech);
    }

    [Fact]
    public async Task Vad_must_say_speech_for_speech_like_bursts_and_silence_for_the_gaps()
    {
        var source = new SpeechLikeSource(TimeSpan.FromSeconds(6), sampleRate: 16000, samplesPerFrame: 320, seed: 3);
        var bursts = source.Bursts;

        var decisions = await source.AsSource()
            .Via(new VadNode(-40f, TimeSpan.Zero).AsFlow())
            .RunWith(Sink.Seq<VadDecision>(), Materializer);

        Assert.Equal(300, decisions.Count);
        var frame = TimeSpan.FromMilliseconds(20);
        int speechChecked = 0, silenceChecked = 0;
        foreach (var decision in decisions)
        {
            var start = decision.Timestamp;
            var end = start + frame;
            var insideBurst = bursts.Any(b => start >= b.Start + SpeechLikeSource.Ramp && end <= b.End - SpeechLikeSource.Ramp);
            var touchesBurst = bursts.Any(b => start < b.End && end > b.Start);
            if (insideBurst)
            {
                Assert.True(decision.IsSpeech, $"frame at {start.TotalMilliseconds} ms ({decision.EnergyDb:0.0} dB) lies inside a burst");
                speechChecked++;
            }
            else if (!touchesBurst)
            {
                Assert.False(decision.IsSpeech, $"frame at {start.TotalMilliseconds} ms ({decision.EnergyDb:0.0} dB) lies in a gap");
                silenceChecked++;
            }
        }

        Assert.True(speechChecked > 50 && silenceChecked > 50, $"checked {speechChecked} speech and {silenceChecked} silence frames");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-121f)]
    [InlineData(3f)]
    public void Vad_must_reject_a_threshold_outside_the_floor_to_full_scale(float thresholdDb)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VadNode(thresholdDb));
        Assert.Equal("thresholdDb", error.ParamName);
    }

    [Fact]
    public void Vad_must_reject_a_negative_hangover()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VadNode(-40f, TimeSpan.FromMilliseconds(-1)));
        Assert.Equal("hangover", error.ParamName);
    }
}
