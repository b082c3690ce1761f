using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Audio;

public sealed class ToneGeneratorSourceSpec : SourceContractSpec<AudioFrame>
{
    public ToneGeneratorSourceSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override SourceNode<AudioFrame> CreateSource() =>
        new ToneGeneratorSource(440, duration: TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task Tone_must_last_its_duration_in_frames_of_the_given_size()
    {
        var tone = new ToneGeneratorSource(1000, sampleRate: 16000, channels: 2, duration: TimeSpan.FromMilliseconds(1010), samplesPerFrame: 320);

        var frames = await tone.AsSource().RunWith(Sink.Seq<AudioFrame>(), Materializer);

        Assert.Equal(51, frames.Count);
        Assert.All(frames.Take(50), f => Assert.Equal(320, f.SamplesPerChannel));
        Assert.Equal(160, frames[^1].SamplesPerChannel);
        for (var k = 0; k < frames.Count; k++)
        {
            Assert.Equal(k, frames[k].Sequence);
            Assert.Equal(TimeSpan.FromMilliseconds(20 * k), frames[k].Timestamp);
            Assert.Equal("16000 Hz, 2 ch", frames[k].Format);
        }
    }

    [Fact]
    public async Task Tone_must_have_its_frequency_and_amplitude_on_every_channel()
    {
        var tone = new ToneGeneratorSource(1234.5, sampleRate: 48000, channels: 2, duration: TimeSpan.FromSeconds(1), amplitude: 0.25f);

        var samples = TestAudio.Concat(await tone.AsSource().RunWith(Sink.Seq<AudioFrame>(), Materializer));

        var left = TestAudio.Channel(samples, 2, 0);
        var right = TestAudio.Channel(samples, 2, 1);
        Assert.Equal(left, right);
        Assert.Equal(48000, left.Length);
        Assert.InRange(TestAudio.PeakFrequency(left, 48000, 1000, 1500, 0.5), 1233, 1236);
        Assert.InRange(left.Max(), 0.2499f, 0.25f);
        Assert.InRange(TestAudio.Rms(left), 0.25 / Math.Sqrt(2) * 0.999, 0.25 / Math.Sqrt(2) * 1.001);
    }

    [Fact]
    public async Task Tone_without_a_duration_must_not_end()
    {
        var tone = new ToneGeneratorSource(440);

        var frames = await tone.AsSource().Take(500).RunWith(Sink.Seq<AudioFrame>(), Materializer);

        Assert.Equal(500, frames.Count);
        Assert.Equal(TimeSpan.FromSeconds(9.98), frames[^1].Timestamp);
    }

    [Fact]
    public async Task Tone_of_zero_duration_must_complete_empty()
    {
        var frames = await new ToneGeneratorSource(440, duration: TimeSpan.Zero).AsSource().RunWith(Sink.Seq<AudioFrame>(), Materializer);

        Assert.Empty(frames);
    }

    [Theory]
    [InlineData(double.NaN, 48000, 1, 0, 960, 0.5f, "frequencyHz")]
    [InlineData(-1.0, 48000, 1, 0, 960, 0.5f, "frequencyHz")]
    [InlineData(8001.0, 16000, 1, 0, 960, 0.5f, "frequencyHz")]
    [InlineData(440.0, 0, 1, 0, 960, 0.5f, "sampleRate")]
    [InlineData(440.0, 48000, 0, 0, 960, 0.5f, "channels")]
    [InlineData(440.0, 48000, 1, -1, 960, 0.5f, "duration")]
    [InlineData(440.0, 48000, 1, 0, 0, 0.5f, "samplesPerFrame")]
    [InlineData(440.0, 48000, 1, 0, 960, 1.5f, "amplitude")]
    [InlineData(440.0, 48000, 1, 0, 960, float.NaN, "amplitude")]
    public void Tone_must_reject_invalid_settings_naming_the_parameter(
        double frequency, int rate, int channels, int durationMs, int samplesPerFrame, float amplitude, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ToneGeneratorSource(frequency, rate, channels, TimeSpan.FromMilliseconds(durationMs), samplesPerFrame, amplitude));
        Assert.Equal(parameter, error.ParamName);
    }
}
