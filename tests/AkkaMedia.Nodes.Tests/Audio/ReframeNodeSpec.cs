using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Audio;

public sealed class ReframeNodeSpec : NodeContractSpec<AudioFrame, AudioFrame>
{
    public ReframeNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<AudioFrame, AudioFrame> CreateNode() => new ReframeNode(320);

    protected override IReadOnlyList<AudioFrame> ValidInputs() =>
        TestAudio.Frames(TestAudio.Sine(440, 48000, 2880), 48000, 1, 441);

    [Fact]
    public async Task Reframe_must_preserve_every_sample_in_order_and_yield_frames_of_n_samples()
    {
        const int rate = 16000;
        var sizes = new[] { 100, 333, 7, 960, 1, 0, 250, 512 };
        var signal = TestAudio.Pcm16GridNoise(2 * sizes.Sum(), seed: 5);
        var inputs = new List<AudioFrame>();
        var offset = 0;
        foreach (var size in sizes)
        {
            inputs.Add(new AudioFrame(signal.AsSpan(2 * offset, 2 * size).ToArray(), rate, 2, inputs.Count + 10, TimeSpan.FromSeconds(3)));
            offset += size;
        }

        var outputs = await TestAudio.RunAsync(new ReframeNode(160), inputs, Materializer);

        Assert.Equal(signal, TestAudio.Concat(outputs));
        var total = sizes.Sum();
        Assert.Equal((total + 159) / 160, outputs.Count);
        for (var k = 0; k < outputs.Count; k++)
        {
            var expectedLength = k < outputs.Count - 1 ? 160 : total - (160 * k);
            Assert.Equal(expectedLength, outputs[k].SamplesPerChannel);
            Assert.Equal(10 + k, outputs[k].Sequence);
            Assert.Equal(TimeSpan.FromSeconds(3) + TimeSpan.FromMilliseconds(10 * k), outputs[k].Timestamp);
            Assert.Equal("16000 Hz, 2 ch", outputs[k].Format);
        }
    }

    [Fact]
    public async Task Reframe_must_not_emit_an_empty_last_frame_when_the_input_divides_evenly()
    {
        var inputs = TestAudio.Frames(TestAudio.Sine(300, 8000, 480), 8000, 1, 96);

        var outputs = await TestAudio.RunAsync(new ReframeNode(160), inputs, Materializer);

        Assert.Equal(3, outputs.Count);
        Assert.All(outputs, frame => Assert.Equal(160, frame.SamplesPerChannel));
    }

    [Fact]
    public async Task Reframe_must_fail_the_stream_when_the_sample_rate_changes()
    {
        var inputs = new[]
        {
            new AudioFrame(new float[100], 48000, 1, 0),
            new AudioFrame(new float[100], 44100, 1, 1),
        };

        var error = await Assert.ThrowsAsync<NodeException>(() => TestAudio.RunAsync(new ReframeNode(64), inputs, Materializer));

        Assert.Contains("ReframeNode", error.Message);
        Assert.Contains("48000 Hz, 1 ch", error.Message);
        Assert.Contains("44100 Hz, 1 ch", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-960)]
    public void Reframe_must_reject_a_frame_size_that_is_not_positive(int samplesPerFrame)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReframeNode(samplesPerFrame));
        Assert.Equal("samplesPerFrame", error.ParamName);
    }
}
