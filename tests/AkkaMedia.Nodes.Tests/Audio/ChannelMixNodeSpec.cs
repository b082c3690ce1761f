using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Audio;

public sealed class ChannelMixNodeSpec : NodeContractSpec<AudioFrame, AudioFrame>
{
    public ChannelMixNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<AudioFrame, AudioFrame> CreateNode() => new ChannelMixNode(2);

    protected override IReadOnlyList<AudioFrame> ValidInputs() =>
        TestAudio.Frames(TestAudio.Sine(440, 48000, 2880), 48000, 1, 960);

    [Fact]
    public async Task ChannelMix_must_duplicate_mono_into_both_stereo_channels()
    {
        var mono = TestAudio.Pcm16GridNoise(1500, seed: 3);
        var inputs = TestAudio.Frames(mono, 48000, 1, 480);

        var outputs = await TestAudio.RunAsync(new ChannelMixNode(2), inputs, Materializer);

        Assert.All(outputs, frame => Assert.Equal(2, frame.Channels));
        Assert.Equal(inputs.Select(f => f.Timestamp), outputs.Select(f => f.Timestamp));
        Assert.Equal(inputs.Select(f => f.Sequence), outputs.Select(f => f.Sequence));
        var stereo = TestAudio.Concat(outputs);
        Assert.Equal(mono, TestAudio.Channel(stereo, 2, 0));
        Assert.Equal(mono, TestAudio.Channel(stereo, 2, 1));
    }

    [Fact]
    public async Task ChannelMix_must_average_stereo_into_mono()
    {
        var stereo = TestAudio.Pcm16GridNoise(2 * 1500, seed: 4);
        var inputs = TestAudio.Frames(stereo, 44100, 2, 441);

        var outputs = await TestAudio.RunAsync(new ChannelMixNode(1), inputs, Materializer);

        var expected = new float[1500];
        for (var n = 0; n < expected.Length; n++)
        {
            expected[n] = (stereo[2 * n] + stereo[(2 * n) + 1]) / 2;
        }

        Assert.All(outputs, frame => Assert.Equal("44100 Hz, 1 ch", frame.Format));
        Assert.Equal(expected, TestAudio.Concat(outputs));
    }

    [Fact]
    public async Task ChannelMix_must_average_any_channel_count_into_mono_and_duplicate_mono_into_any()
    {
        var frame = new AudioFrame(new float[] { 0.3f, 0.6f, 0.9f, -0.75f, 0f, 0.75f }, 8000, 3);

        var mono = await TestAudio.RunAsync(new ChannelMixNode(1), [frame], Materializer);
        var back = await TestAudio.RunAsync(new ChannelMixNode(4), mono, Materializer);

        Assert.Equal(0.6f, mono[0].Samples.Span[0], 6);
        Assert.Equal(0f, mono[0].Samples.Span[1], 6);
        Assert.Equal(4, back[0].Channels);
        Assert.Equal(new[] { 0.6f, 0.6f, 0.6f, 0.6f }, back[0].Samples.Span[..4].ToArray());
    }

    [Fact]
    public async Task ChannelMix_must_fail_the_stream_naming_the_node_and_both_formats_for_an_unsupported_channel_count()
    {
        var frame = new AudioFrame(new float[6], 48000, 3);

        var error = await Assert.ThrowsAsync<NodeException>(() => TestAudio.RunAsync(new ChannelMixNode(2), [frame], Materializer));

        Assert.IsType<FrameFormatException>(error.InnerException);
        Assert.Contains("ChannelMixNode", error.Message);
        Assert.Contains("2 ch", error.Message);
        Assert.Contains("48000 Hz, 3 ch", error.Message);
    }

    [Fact]
    public async Task ChannelMix_must_pass_frames_of_the_target_count_through()
    {
        var frame = new AudioFrame(new float[] { 0.25f, -0.25f }, 48000, 2, 5, TimeSpan.FromSeconds(1));

        var outputs = await TestAudio.RunAsync(new ChannelMixNode(2), [frame], Materializer);

        Assert.Equal(frame, Assert.Single(outputs));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void ChannelMix_must_reject_a_channel_count_that_is_not_positive(int channels)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelMixNode(channels));
        Assert.Equal("targetChannels", error.ParamName);
    }
}
