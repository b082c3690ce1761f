using AkkaMedia.Frames;

namespace AkkaMedia.Core.Tests.Frames;

public sealed class AudioFrameSpec
{
    [Theory]
    [InlineData(0)]
    [InlineData(-48_000)]
    public void AudioFrame_must_reject_a_sample_rate_that_is_not_positive(int sampleRate)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AudioFrame(new float[2], sampleRate, 1));
        Assert.Equal("sampleRate", error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void AudioFrame_must_reject_a_channel_count_that_is_not_positive(int channels)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AudioFrame(new float[2], 48_000, channels));
        Assert.Equal("channels", error.ParamName);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    [InlineData(1, 8)]
    public void AudioFrame_must_reject_a_buffer_that_is_not_whole_channel_groups(int samples, int channels)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AudioFrame(new float[samples], 48_000, channels));
        Assert.Equal("samples", error.ParamName);
    }

    [Fact]
    public void AudioFrame_must_accept_an_empty_buffer()
    {
        var frame = new AudioFrame(ReadOnlyMemory<float>.Empty, 16_000, 2);

        Assert.Equal(0, frame.SamplesPerChannel);
        Assert.Equal(TimeSpan.Zero, frame.Duration);
    }

    [Theory]
    [InlineData(960, 1, 48_000, 20.0)]
    [InlineData(1_920, 2, 48_000, 20.0)]
    [InlineData(160, 1, 8_000, 20.0)]
    [InlineData(441, 1, 44_100, 10.0)]
    [InlineData(2_646, 6, 44_100, 10.0)]
    [InlineData(16_000, 1, 16_000, 1_000.0)]
    public void Duration_must_be_samples_per_channel_over_the_sample_rate(int samples, int channels, int sampleRate, double expectedMs)
    {
        var frame = new AudioFrame(new float[samples], sampleRate, channels);

        Assert.Equal(samples / channels, frame.SamplesPerChannel);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), frame.Duration);
    }

    [Fact]
    public void Duration_must_round_down_to_whole_ticks()
    {
        // One sample at 3 Hz lasts 1/3 s = 3,333,333.33 ticks.
        var frame = new AudioFrame(new float[1], 3, 1);

        Assert.Equal(TimeSpan.FromTicks(3_333_333), frame.Duration);
    }

    [Fact]
    public void Frames_with_the_same_format_position_and_sample_bits_must_be_equal()
    {
        var a = new AudioFrame(new[] { 0.5f, float.NaN, -1f, 0f }, 48_000, 2, 7, TimeSpan.FromMilliseconds(140));
        var b = new AudioFrame(new[] { 0.5f, float.NaN, -1f, 0f }, 48_000, 2, 7, TimeSpan.FromMilliseconds(140));

        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equality_must_compare_sample_bits_not_float_values()
    {
        var positiveZero = new AudioFrame(new[] { 0f }, 48_000, 1);
        var negativeZero = new AudioFrame(new[] { -0f }, 48_000, 1);

        Assert.NotEqual(positiveZero, negativeZero);
    }

    [Fact]
    public void Frames_that_differ_in_any_field_must_not_be_equal()
    {
        var samples = new[] { 0.1f, 0.2f };
        var frame = new AudioFrame(samples, 48_000, 1, 3, TimeSpan.FromSeconds(1));

        Assert.NotEqual(frame, new AudioFrame(samples, 44_100, 1, 3, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new AudioFrame(samples, 48_000, 2, 3, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new AudioFrame(samples, 48_000, 1, 4, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new AudioFrame(samples, 48_000, 1, 3, TimeSpan.FromSeconds(2)));
        Assert.NotEqual(frame, new AudioFrame(new[] { 0.1f, 0.3f }, 48_000, 1, 3, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new AudioFrame(new[] { 0.1f }, 48_000, 1, 3, TimeSpan.FromSeconds(1)));
        Assert.False(frame.Equals(null));
        Assert.False(frame.Equals("not a frame"));
    }

    [Fact]
    public void Copy_must_not_share_the_callers_buffer()
    {
        var buffer = new[] { 1f, 2f };
        var frame = AudioFrame.Copy(buffer, 48_000, 1);

        buffer[0] = 99f;

        Assert.Equal(new[] { 1f, 2f }, frame.Samples.ToArray());
    }

    [Fact]
    public void WithSamples_must_keep_format_sequence_and_timestamp()
    {
        var frame = new AudioFrame(new float[4], 22_050, 2, 11, TimeSpan.FromMilliseconds(5));

        var next = frame.WithSamples(new[] { 1f, 2f });

        Assert.Equal(22_050, next.SampleRate);
        Assert.Equal(2, next.Channels);
        Assert.Equal(11, next.Sequence);
        Assert.Equal(TimeSpan.FromMilliseconds(5), next.Timestamp);
        Assert.Equal(1, next.SamplesPerChannel);
    }
}
