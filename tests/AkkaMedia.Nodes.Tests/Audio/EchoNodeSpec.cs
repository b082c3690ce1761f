using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Audio;

public sealed class EchoNodeSpec : NodeContractSpec<AudioFrame, AudioFrame>
{
    public EchoNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<AudioFrame, AudioFrame> CreateNode() => new EchoNode(TimeSpan.FromMilliseconds(10), 0.5f);

    protected override IReadOnlyList<AudioFrame> ValidInputs() =>
        TestAudio.Frames(TestAudio.Sine(440, 48000, 2880), 48000, 1, 960);

    [Fact]
    public async Task Echo_must_put_the_decayed_copy_exactly_delay_samples_later_across_a_frame_boundary()
    {
        // 1 kHz, 100-sample frames, 250 ms = 250 samples: an impulse at 80 echoes at 330, three frames later.
        var signal = new float[400];
        signal[80] = 1f;
        var inputs = TestAudio.Frames(signal, 1000, 1, 100);

        var outputs = await TestAudio.RunAsync(new EchoNode(TimeSpan.FromMilliseconds(250), 0.5f), inputs, Materializer);

        var output = TestAudio.Concat(outputs);
        var expected = new float[650];
        expected[80] = 1f;
        expected[330] = 0.5f;
        Assert.Equal(expected, output);
    }

    [Fact]
    public async Task Echo_must_flush_its_tail_as_a_final_frame()
    {
        // The impulse at 380 echoes at 630, after the input has ended: only the tail frame holds it.
        var signal = new float[2 * 400];
        signal[(2 * 380) + 1] = 0.8f;
        var inputs = TestAudio.Frames(signal, 1000, 2, 100);

        var outputs = await TestAudio.RunAsync(new EchoNode(TimeSpan.FromMilliseconds(250), 0.5f, mix: 0.5f), inputs, Materializer);

        Assert.Equal(inputs.Count + 1, outputs.Count);
        var tail = outputs[^1];
        Assert.Equal(250, tail.SamplesPerChannel);
        Assert.Equal("1000 Hz, 2 ch", tail.Format);
        Assert.Equal(inputs[^1].Sequence + 1, tail.Sequence);
        Assert.Equal(TimeSpan.FromMilliseconds(400), tail.Timestamp);
        var expectedTail = new float[2 * 250];
        expectedTail[(2 * 230) + 1] = 0.8f * 0.25f;
        Assert.Equal(expectedTail, tail.Samples.ToArray());
    }

    [Fact]
    public async Task Echo_must_follow_its_formula_on_every_sample()
    {
        const int rate = 8000;
        const float decay = 0.7f;
        const float mix = 0.6f;
        var signal = TestAudio.Pcm16GridNoise(2 * 3000, seed: 11);
        var inputs = TestAudio.Frames(signal, rate, 2, 160);
        var delay = TimeSpan.FromMilliseconds(37.3);
        var d = (int)Math.Round(delay.TotalSeconds * rate);

        var outputs = await TestAudio.RunAsync(new EchoNode(delay, decay, mix), inputs, Materializer);

        var output = TestAudio.Concat(outputs);
        Assert.Equal(signal.Length + (2 * d), output.Length);
        for (var n = 0; n < output.Length / 2; n++)
        {
            for (var c = 0; c < 2; c++)
            {
                var dry = n < 3000 ? signal[(2 * n) + c] : 0f;
                var delayed = n >= d && n - d < 3000 ? signal[(2 * (n - d)) + c] : 0f;
                Assert.Equal(dry + (mix * decay * delayed), output[(2 * n) + c], 6);
            }
        }
    }

    [Fact]
    public async Task Echo_must_fail_the_stream_when_the_format_changes()
    {
        var inputs = new[]
        {
            new AudioFrame(new float[960], 48000, 1, 0),
            new AudioFrame(new float[1920], 48000, 2, 1),
        };

        var error = await Assert.ThrowsAsync<NodeException>(() =>
            TestAudio.RunAsync(new EchoNode(TimeSpan.FromMilliseconds(5), 0.5f), inputs, Materializer));

        Assert.IsType<FrameFormatException>(error.InnerException);
        Assert.Contains("EchoNode", error.Message);
        Assert.Contains("48000 Hz, 1 ch", error.Message);
        Assert.Contains("48000 Hz, 2 ch", error.Message);
    }

    [Fact]
    public void Echo_must_reject_a_negative_delay()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EchoNode(TimeSpan.FromMilliseconds(-1), 0.5f));
        Assert.Equal("delay", error.ParamName);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.1f)]
    [InlineData(1.1f)]
    public void Echo_must_reject_a_decay_outside_zero_to_one(float decay)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EchoNode(TimeSpan.FromMilliseconds(1), decay));
        Assert.Equal("decay", error.ParamName);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    public void Echo_must_reject_a_mix_outside_zero_to_one(float mix)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EchoNode(TimeSpan.FromMilliseconds(1), 0.5f, mix));
        Assert.Equal("mix", error.ParamName);
    }
}
