using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Nodes.Tests.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Testing;

public sealed class SpeechLikeSourceSpec : SourceContractSpec<AudioFrame>
{
    public SpeechLikeSourceSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override SourceNode<AudioFrame> CreateSource() => new SpeechLikeSource(TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task SpeechLike_must_be_deterministic_for_a_seed()
    {
        var first = await RenderAsync(new SpeechLikeSource(TimeSpan.FromSeconds(2), seed: 9));
        var again = await RenderAsync(new SpeechLikeSource(TimeSpan.FromSeconds(2), seed: 9));
        var other = await RenderAsync(new SpeechLikeSource(TimeSpan.FromSeconds(2), seed: 10));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task SpeechLike_must_last_its_duration_in_numbered_timed_frames()
    {
        var frames = await new SpeechLikeSource(TimeSpan.FromSeconds(1.01), sampleRate: 16000, samplesPerFrame: 320)
            .AsSource().RunWith(Sink.Seq<AudioFrame>(), Materializer);

        Assert.Equal(51, frames.Count);
        Assert.Equal(160, frames[^1].SamplesPerChannel);
        for (var k = 0; k < frames.Count; k++)
        {
            Assert.Equal(k, frames[k].Sequence);
            Assert.Equal(TimeSpan.FromMilliseconds(20 * k), frames[k].Timestamp);
            Assert.Equal("16000 Hz, 1 ch", frames[k].Format);
        }
    }

    [Fact]
    public async Task SpeechLike_must_alternate_loud_voiced_bursts_with_near_silent_gaps()
    {
        const int rate = 48000;
        var source = new SpeechLikeSource(TimeSpan.FromSeconds(5), rate, seed: 1);
        var bursts = source.Bursts;
        var samples = await RenderAsync(source);

        Assert.Equal(5 * rate, samples.Length);
        Assert.True(bursts.Count >= 4, $"{bursts.Count} bursts");
        Assert.True(bursts[0].Start >= TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < bursts.Count; i++)
        {
            var burst = bursts[i];
            Assert.True(burst.End <= TimeSpan.FromSeconds(5));
            if (i > 0)
            {
                Assert.True(burst.Start - bursts[i - 1].End >= TimeSpan.FromMilliseconds(200));
            }

            var body = Slice(samples, rate, burst.Start + SpeechLikeSource.Ramp, burst.End - SpeechLikeSource.Ramp);
            var bodyDb = 20 * Math.Log10(TestAudio.Rms(body));
            Assert.InRange(bodyDb, -32, -12);

            var gapEnd = i + 1 < bursts.Count ? bursts[i + 1].Start : TimeSpan.FromSeconds(5);
            if (gapEnd > burst.End)
            {
                var gapDb = 20 * Math.Log10(TestAudio.Rms(Slice(samples, rate, burst.End, gapEnd)));
                Assert.InRange(gapDb, -95, -75);
            }
        }

        Assert.True(samples.Max(Math.Abs) <= 0.5001f);
    }

    [Fact]
    public async Task SpeechLike_bursts_must_be_harmonic_rich_with_a_gliding_pitch()
    {
        const int rate = 16000;
        var source = new SpeechLikeSource(TimeSpan.FromSeconds(3), rate, seed: 2);
        var burst = source.Bursts[0];
        var samples = await RenderAsync(source);
        var body = Slice(samples, rate, burst.Start + SpeechLikeSource.Ramp, burst.End - SpeechLikeSource.Ramp);

        // Pitch of the first and last 60 ms of the burst, found by the strongest autocorrelation lag.
        var window = rate * 60 / 1000;
        var startPitch = Pitch(body.AsSpan(0, window), rate);
        var endPitch = Pitch(body.AsSpan(body.Length - window, window), rate);
        Assert.InRange(startPitch, 80, 260);
        Assert.InRange(endPitch, 60, 320);
        Assert.True(Math.Abs(endPitch - startPitch) > 2, $"pitch {startPitch:0} Hz → {endPitch:0} Hz does not glide");

        // Energy well above the fundamental: the second to fifth harmonics together carry a large share.
        var f0 = startPitch;
        var segment = body.AsSpan(0, window);
        var fundamental = TestAudio.GoertzelPower(segment, f0, rate);
        var overtones = 0.0;
        for (var k = 2; k <= 5; k++)
        {
            overtones += TestAudio.GoertzelPower(segment, k * f0, rate);
        }

        Assert.True(overtones > 0.3 * fundamental, $"overtones {overtones:0.###} vs fundamental {fundamental:0.###}");
    }

    [Theory]
    [InlineData(0, 48000, 960, "duration")]
    [InlineData(1000, 4000, 960, "sampleRate")]
    [InlineData(1000, 48000, 0, "samplesPerFrame")]
    public void SpeechLike_must_reject_invalid_settings_naming_the_parameter(int durationMs, int rate, int samplesPerFrame, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SpeechLikeSource(TimeSpan.FromMilliseconds(durationMs), rate, samplesPerFrame));
        Assert.Equal(parameter, error.ParamName);
    }

    private async Task<float[]> RenderAsync(SpeechLikeSource source) =>
        TestAudio.Concat(await source.AsSource().RunWith(Sink.Seq<AudioFrame>(), Materializer));

    private static float[] Slice(float[] samples, int rate, TimeSpan from, TimeSpan to)
    {
        var start = (int)(from.TotalSeconds * rate);
        var end = (int)(to.TotalSeconds * rate);
        return samples[start..end];
    }

    private static double Pitch(ReadOnlySpan<float> segment, int rate)
    {
        var bestLag = 0;
        var best = double.MinValue;
        for (var lag = rate / 400; lag <= rate / 50; lag++)
        {
            var sum = 0.0;
            for (var n = 0; n + lag < segment.Length; n++)
            {
                sum += segment[n] * segment[n + lag];
            }

            sum /= segment.Length - lag;
            if (sum > best)
            {
                best = sum;
                bestLag = lag;
            }
        }

        return (double)rate / bestLag;
    }
}
