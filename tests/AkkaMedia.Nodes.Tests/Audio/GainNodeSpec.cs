using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Audio;

public sealed class GainNodeSpec : NodeContractSpec<AudioFrame, AudioFrame>
{
    public GainNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<AudioFrame, AudioFrame> CreateNode() => new GainNode(0.5f);

    protected override IReadOnlyList<AudioFrame> ValidInputs() =>
        TestAudio.Frames(TestAudio.Sine(440, 48000, 2880), 48000, 1, 960);

    [Fact]
    public async Task Gain_must_halve_every_sample()
    {
        var inputs = TestAudio.Frames(TestAudio.Pcm16GridNoise(2 * 1001, seed: 7), 48000, 2, 333);
        var outputs = await TestAudio.RunAsync(new GainNode(0.5f), inputs, Materializer);

        Assert.Equal(inputs.Count, outputs.Count);
        for (var f = 0; f < inputs.Count; f++)
        {
            var input = inputs[f].Samples.ToArray();
            var expected = new float[input.Length];
            for (var i = 0; i < input.Length; i++)
            {
                expected[i] = input[i] / 2;
            }

            Assert.Equal(expected, outputs[f].Samples.ToArray());
            Assert.Equal(inputs[f].Sequence, outputs[f].Sequence);
            Assert.Equal(inputs[f].Timestamp, outputs[f].Timestamp);
            Assert.Equal(inputs[f].Format, outputs[f].Format);
        }
    }

    [Fact]
    public async Task Gain_must_leave_the_input_buffer_untouched()
    {
        var samples = TestAudio.Sine(1000, 16000, 320);
        var original = samples.ToArray();
        var frame = new AudioFrame(samples, 16000, 1);

        var outputs = await TestAudio.RunAsync(new GainNode(2f), [frame], Materializer);

        Assert.Equal(original, samples);
        Assert.Equal(2 * original[4], outputs[0].Samples.Span[4]);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-0.1f)]
    public void Gain_must_reject_a_gain_that_is_not_a_finite_non_negative_factor(float gain)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GainNode(gain));
        Assert.Equal("gain", error.ParamName);
    }
}
