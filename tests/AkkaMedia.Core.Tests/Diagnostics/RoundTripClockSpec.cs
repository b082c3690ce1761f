using System.Diagnostics;
using AkkaMedia.Diagnostics;

namespace AkkaMedia.Core.Tests.Diagnostics;

public sealed class RoundTripClockSpec
{
    [Fact]
    public void RoundTripClock_must_pair_each_received_frame_with_the_oldest_sent_one()
    {
        var tick = Stopwatch.Frequency / 1000; // 1 ms
        var clock = new RoundTripClock();
        clock.Sent(0);
        clock.Sent(20 * tick);
        clock.Sent(40 * tick);

        Assert.True(clock.TryReceived(3 * tick, out var first));
        Assert.True(clock.TryReceived(25 * tick, out var second));
        Assert.True(clock.TryReceived(41 * tick, out var third));
        Assert.False(clock.TryReceived(50 * tick, out _));
        Assert.Equal(3, first, 9);
        Assert.Equal(5, second, 9);
        Assert.Equal(1, third, 9);
    }

    [Fact]
    public void RoundTripClock_must_measure_real_time_between_sending_and_receiving()
    {
        var clock = new RoundTripClock();
        var before = Stopwatch.GetTimestamp();
        clock.Sent();

        Assert.True(clock.TryReceived(out var milliseconds));
        Assert.InRange(milliseconds, 0, Stopwatch.GetElapsedTime(before).TotalMilliseconds);
    }

    [Fact]
    public void RoundTripClock_must_not_measure_an_output_with_no_frame_waiting()
    {
        var clock = new RoundTripClock();

        Assert.False(clock.TryReceived(out var seconds));
        Assert.Equal(0, seconds);
    }

    [Fact]
    public void RoundTripClock_must_forget_the_oldest_frames_beyond_its_capacity()
    {
        var clock = new RoundTripClock();
        for (var i = 0; i < RoundTripClock.Capacity + 5; i++)
        {
            clock.Sent(i * Stopwatch.Frequency);
        }

        // Frames 0..4 were forgotten: the first output pairs with frame 5.
        Assert.True(clock.TryReceived((RoundTripClock.Capacity + 10) * Stopwatch.Frequency, out var oldest));
        Assert.Equal((RoundTripClock.Capacity + 5) * 1000.0, oldest, 6);
        var measured = 1;
        while (clock.TryReceived((RoundTripClock.Capacity + 10) * Stopwatch.Frequency, out _))
        {
            measured++;
        }

        Assert.Equal(RoundTripClock.Capacity, measured);
    }
}
