using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Audio;

public sealed class ResampleNodeSpec : NodeContractSpec<AudioFrame, AudioFrame>
{
    public ResampleNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<AudioFrame, AudioFrame> CreateNode() => new ResampleNode(16000);

    protected override IReadOnlyList<AudioFrame> ValidInputs() =>
        TestAudio.Frames(TestAudio.Sine(440, 48000, 2880), 48000, 1, 960);

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(16000, 48000)]
    [InlineData(44100, 48000)]
    [InlineData(48000, 44100)]
    [InlineData(22050, 16000)]
    public async Task Resample_must_keep_a_1_kHz_tone_at_1_kHz_with_its_level_and_duration(int inputRate, int outputRate)
    {
        const double seconds = 1.0;
        var inputSamples = (int)(inputRate * seconds);
        var frameSize = inputRate / 50;
        var inputs = TestAudio.Frames(TestAudio.Sine(1000, inputRate, inputSamples), inputRate, 1, frameSize);

        var outputs = await TestAudio.RunAsync(new ResampleNode(outputRate), inputs, Materializer);

        Assert.All(outputs, frame => Assert.Equal($"{outputRate} Hz, 1 ch", frame.Format));
        var output = TestAudio.Concat(outputs);
        var outputFrame = outputRate / 50;
        var expectedLength = outputRate * seconds;
        Assert.InRange(output.Length, expectedLength - outputFrame, expectedLength + outputFrame);
        Assert.Equal((long)Math.Ceiling((double)inputSamples * outputRate / inputRate), output.Length);

        // Measure away from the edges, where the tone starts and stops abruptly.
        var middle = output.AsSpan(outputRate / 10, outputRate * 8 / 10);
        var peak = TestAudio.PeakFrequency(middle, outputRate, 900, 1100, 1);
        Assert.InRange(peak, 990, 1010);
        Assert.InRange(TestAudio.Rms(middle), 0.5 / Math.Sqrt(2) * 0.99, 0.5 / Math.Sqrt(2) * 1.01);
    }

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(16000, 48000)]
    [InlineData(44100, 48000)]
    [InlineData(8000, 44100)]
    public async Task Resample_must_reproduce_the_ideal_waveform_without_delay(int inputRate, int outputRate)
    {
        var inputs = TestAudio.Frames(TestAudio.Sine(1000, inputRate, inputRate), inputRate, 1, inputRate / 50);

        var outputs = await TestAudio.RunAsync(new ResampleNode(outputRate), inputs, Materializer);

        // The same tone sampled directly at the output rate, compared sample by sample away from the edges.
        var output = TestAudio.Concat(outputs);
        var ideal = TestAudio.Sine(1000, outputRate, output.Length);
        var error = new float[outputRate * 8 / 10];
        for (var n = 0; n < error.Length; n++)
        {
            error[n] = output[(outputRate / 10) + n] - ideal[(outputRate / 10) + n];
        }

        var signalToError = 20 * Math.Log10(TestAudio.Rms(ideal) / TestAudio.Rms(error));
        Assert.True(signalToError > 70, $"signal-to-error ratio {signalToError:0.0} dB");
    }

    [Fact]
    public async Task Resample_must_time_and_number_its_output_frames_by_output_position()
    {
        var start = TimeSpan.FromSeconds(2);
        var inputs = TestAudio.Frames(TestAudio.Sine(500, 44100, 44100 / 2), 44100, 1, 441)
            .Select(f => new AudioFrame(f.Samples, f.SampleRate, f.Channels, f.Sequence + 7, f.Timestamp + start))
            .ToList();

        var outputs = await TestAudio.RunAsync(new ResampleNode(48000), inputs, Materializer);

        long position = 0;
        for (var k = 0; k < outputs.Count; k++)
        {
            Assert.Equal(7 + k, outputs[k].Sequence);
            Assert.Equal(start + TimeSpan.FromTicks(position * TimeSpan.TicksPerSecond / 48000), outputs[k].Timestamp);
            position += outputs[k].SamplesPerChannel;
        }

        Assert.Equal(24000, position);
    }

    [Fact]
    public async Task Resample_must_convert_each_channel_on_its_own()
    {
        const int rate = 48000;
        var left = TestAudio.Sine(1000, rate, rate / 2);
        var right = TestAudio.Sine(3000, rate, rate / 2);
        var stereo = new float[rate];
        for (var n = 0; n < rate / 2; n++)
        {
            stereo[2 * n] = left[n];
            stereo[(2 * n) + 1] = right[n];
        }

        var outputs = await TestAudio.RunAsync(new ResampleNode(16000), TestAudio.Frames(stereo, rate, 2, 960), Materializer);

        var output = TestAudio.Concat(outputs);
        var outLeft = TestAudio.Channel(output, 2, 0).AsSpan(1600, 4800);
        var outRight = TestAudio.Channel(output, 2, 1).AsSpan(1600, 4800);
        Assert.InRange(TestAudio.PeakFrequency(outLeft, 16000, 500, 4000, 1), 990, 1010);
        Assert.InRange(TestAudio.PeakFrequency(outRight, 16000, 500, 4000, 1), 2970, 3030);
    }

    [Fact]
    public async Task Resample_must_filter_out_content_above_the_new_nyquist_frequency()
    {
        var inputs = TestAudio.Frames(TestAudio.Sine(10000, 48000, 48000), 48000, 1, 960);

        var outputs = await TestAudio.RunAsync(new ResampleNode(16000), inputs, Materializer);

        // 10 kHz cannot exist at 16 kHz; whatever aliases back must be at least 40 dB down.
        var output = TestAudio.Concat(outputs);
        Assert.True(TestAudio.Rms(output.AsSpan(1600, 12800)) < 0.01 * 0.5 / Math.Sqrt(2));
    }

    [Fact]
    public async Task Resample_must_keep_a_constant_signal_constant()
    {
        var constant = Enumerable.Repeat(0.25f, 16000).ToArray();

        var outputs = await TestAudio.RunAsync(new ResampleNode(44100), TestAudio.Frames(constant, 16000, 1, 320), Materializer);

        var output = TestAudio.Concat(outputs);
        foreach (var sample in output.AsSpan(4410, 35280))
        {
            Assert.Equal(0.25f, sample, 5);
        }
    }

    [Fact]
    public async Task Resample_must_pass_frames_already_at_the_target_rate_through()
    {
        var inputs = TestAudio.Frames(TestAudio.Sine(440, 16000, 960), 16000, 1, 320);

        var outputs = await TestAudio.RunAsync(new ResampleNode(16000), inputs, Materializer);

        Assert.Equal(inputs, outputs);
    }

    [Fact]
    public async Task Resample_must_fail_the_stream_when_the_input_rate_changes()
    {
        var inputs = new[]
        {
            new AudioFrame(new float[960], 48000, 1, 0),
            new AudioFrame(new float[882], 44100, 1, 1),
        };

        var error = await Assert.ThrowsAsync<NodeException>(() => TestAudio.RunAsync(new ResampleNode(16000), inputs, Materializer));

        Assert.Contains("ResampleNode", error.Message);
        Assert.Contains("48000 Hz, 1 ch", error.Message);
        Assert.Contains("44100 Hz, 1 ch", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-16000)]
    public void Resample_must_reject_a_target_rate_that_is_not_positive(int rate)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ResampleNode(rate));
        Assert.Equal("targetSampleRate", error.ParamName);
    }
}
