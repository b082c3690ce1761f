using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AkkaMedia.Frames;

namespace AkkaMedia.Core.Tests.Frames;

public sealed class PooledAudioFrameSpec
{
    [Fact]
    public void A_rented_frame_must_carry_what_was_written_into_its_buffer_with_the_format_given()
    {
        var frame = AudioFrame.Rent(6, 48_000, 2, 7, TimeSpan.FromMilliseconds(20), out var samples);
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = i / 10f;
        }

        Assert.True(frame.IsPooled);
        Assert.Equal([0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f], frame.Samples.ToArray());
        Assert.Equal(3, frame.SamplesPerChannel);
        Assert.Equal(7, frame.Sequence);
        Assert.Equal(TimeSpan.FromMilliseconds(20), frame.Timestamp);
        Assert.Equal(new AudioFrame(frame.Samples.ToArray(), 48_000, 2, 7, TimeSpan.FromMilliseconds(20)), frame);
        frame.Release();
    }

    [Fact]
    public void Reading_a_released_frame_must_throw_naming_the_ownership_rule_while_its_metadata_stays_readable()
    {
        var frame = Rented(960);
        var kept = frame.Samples;

        frame.Release();

        var error = Assert.Throws<ObjectDisposedException>(() => frame.Samples.Span[0]);
        Assert.Contains("Retain()", error.Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => kept.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => kept.ToArray());
        Assert.Equal(960, frame.SamplesPerChannel);
        Assert.Contains("960 samples", frame.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_retained_frame_must_stay_readable_until_its_last_holder_releases_it()
    {
        var frame = Rented(4);
        Assert.Same(frame, frame.Retain());

        frame.Release();
        Assert.Equal([0f, 1f, 2f, 3f], frame.Samples.ToArray());

        frame.Release();
        Assert.Throws<ObjectDisposedException>(() => frame.Samples.ToArray());
    }

    [Fact]
    public void Releasing_a_frame_more_often_than_it_was_held_must_throw_saying_so()
    {
        var frame = Rented(4);
        frame.Release();

        var error = Assert.Throws<InvalidOperationException>(frame.Release);
        Assert.Contains("released more often than it was held", error.Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => frame.Retain());
    }

    [Fact]
    public void A_frame_over_a_slice_of_a_pooled_buffer_must_keep_the_buffer_alive_after_the_original_is_released()
    {
        var frame = Rented(8);
        var head = frame.WithSamples(frame.Samples[..4]);
        var built = new AudioFrame(frame.Samples[4..], 16_000, 1);

        frame.Release();

        Assert.True(head.IsPooled);
        Assert.Equal([0f, 1f, 2f, 3f], head.Samples.ToArray());
        Assert.Equal([4f, 5f, 6f, 7f], built.Samples.ToArray());
        head.Release();
        Assert.Equal([4f, 5f, 6f, 7f], built.Samples.ToArray());
        built.Release();
        Assert.Throws<ObjectDisposedException>(() => built.Samples.ToArray());
    }

    [Fact]
    public void Retain_and_Release_must_do_nothing_on_a_frame_over_the_callers_own_memory()
    {
        var frame = new AudioFrame(new float[] { 1, 2 }, 16_000, 1);

        Assert.False(frame.IsPooled);
        frame.Release();
        frame.Release();
        Assert.Same(frame, frame.Retain());
        Assert.Equal([1f, 2f], frame.Samples.ToArray());
    }

    [Fact]
    public void A_buffer_returned_to_the_pool_must_be_reused_by_a_later_rental()
    {
        // The pool hands back the most recently returned array of a size (one no other spec rents): renting right after releasing reuses it.
        var first = Rented(9_000);
        ref var firstSample = ref MemoryMarshal.GetReference(first.Samples.Span);
        first.Release();

        var second = Rented(9_000);

        Assert.True(Unsafe.AreSame(ref firstSample, ref MemoryMarshal.GetReference(second.Samples.Span)));
        second.Release();
    }

    [Fact]
    public void A_frame_larger_than_the_pool_keeps_must_still_be_rented_read_and_released()
    {
        var frame = Rented(200_000);

        Assert.Equal(199_999f, frame.Samples.Span[^1]);
        frame.Release();
        Assert.Throws<ObjectDisposedException>(() => frame.Samples.ToArray());
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(3, 2)]
    public void Rent_must_reject_a_sample_count_that_is_negative_or_not_whole_channel_groups(int count, int channels)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AudioFrame.Rent(count, 16_000, channels, 0, TimeSpan.Zero, out _));
        Assert.Equal("sampleCount", error.ParamName);
    }

    [Fact]
    public void A_frame_released_on_another_thread_must_go_back_exactly_once()
    {
        var frame = Rented(16);
        const int holders = 64;
        for (var i = 1; i < holders; i++)
        {
            frame.Retain();
        }

        Parallel.For(0, holders, _ => frame.Release());

        Assert.Throws<ObjectDisposedException>(() => frame.Samples.ToArray());
        Assert.Throws<InvalidOperationException>(frame.Release);
    }

    private static AudioFrame Rented(int count)
    {
        var frame = AudioFrame.Rent(count, 16_000, 1, 0, TimeSpan.Zero, out var samples);
        for (var i = 0; i < count; i++)
        {
            samples[i] = i;
        }

        return frame;
    }
}
