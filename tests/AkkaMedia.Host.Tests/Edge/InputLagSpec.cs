using System.Diagnostics;
using AkkaMedia.Host.Edge;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// <c>max-input-lag</c>: a live client's audio is dropped only while the server is behind it by more than the limit, by
/// the server's own fault, and only until it is back within half of it.
/// </summary>
public sealed class InputLagSpec
{
    private static readonly TimeSpan Packet = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void A_server_that_keeps_up_with_a_live_client_must_never_drop()
    {
        var lag = new InputLag(Limit);
        var clock = new FakeClock();

        var drops = Enumerable.Range(0, 1000).Count(_ => Receive(lag, clock, after: Packet, waited: TimeSpan.FromMilliseconds(5)));

        Assert.Equal(0, drops);
        Assert.Equal(TimeSpan.Zero, lag.Backlog);
    }

    [Fact]
    public void A_server_slower_than_real_time_must_drop_once_behind_by_the_limit_until_back_within_half_of_it()
    {
        var lag = new InputLag(Limit);
        var clock = new FakeClock();
        var decisions = new List<bool>();

        // The pipeline takes 30 ms a packet: each read is 10 ms later than the client's pace, all of it spent waiting for room.
        for (var i = 0; i < 200; i++)
        {
            decisions.Add(Receive(lag, clock, after: TimeSpan.FromMilliseconds(30), waited: TimeSpan.FromMilliseconds(30), dropped: decisions.LastOrDefault()));
        }

        var firstDrop = decisions.IndexOf(true);
        Assert.InRange(firstDrop, 20, 22);                      // 200 ms behind after ~20 packets 10 ms late each
        var run = decisions.Skip(firstDrop).TakeWhile(d => d).Count();
        Assert.InRange(run, 5, 6);                              // 20 ms a drop, down to 100 ms
        Assert.True(lag.Backlog <= Limit, $"backlog {lag.Backlog}");
        Assert.InRange(decisions.Count(d => d), 50, 67);        // about a third: the pipeline takes 30 ms for every 20 ms
    }

    [Fact]
    public void A_client_that_pauses_must_not_be_taken_for_a_backlog()
    {
        var lag = new InputLag(Limit);
        var clock = new FakeClock();

        Receive(lag, clock, after: Packet, waited: TimeSpan.Zero);
        var afterPause = Receive(lag, clock, after: TimeSpan.FromSeconds(10), waited: TimeSpan.Zero);
        var next = Enumerable.Range(0, 100).Count(_ => Receive(lag, clock, after: Packet, waited: TimeSpan.Zero));

        Assert.False(afterPause);
        Assert.Equal(0, next);
    }

    [Fact]
    public void A_client_faster_than_real_time_through_a_faster_pipeline_must_only_be_slowed_down()
    {
        var lag = new InputLag(Limit);
        var clock = new FakeClock();

        // Backpressured: each read waits 5 ms for room, well within the packet's 20 ms.
        var drops = Enumerable.Range(0, 1000).Count(_ => Receive(lag, clock, after: TimeSpan.FromMilliseconds(5), waited: TimeSpan.FromMilliseconds(5)));

        Assert.Equal(0, drops);
    }

    [Fact]
    public void A_limit_of_zero_must_never_drop()
    {
        var lag = new InputLag(TimeSpan.Zero);
        var clock = new FakeClock();

        var drops = Enumerable.Range(0, 500).Count(_ => Receive(lag, clock, after: TimeSpan.FromMilliseconds(50), waited: TimeSpan.FromMilliseconds(50)));

        Assert.Equal(0, drops);
        Assert.True(lag.Backlog > TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// One message <paramref name="after"/> the previous one; when it is let through, the server is busy with it for
    /// <paramref name="waited"/> before it reads again (a dropped message costs nothing, and the next one follows at once).
    /// </summary>
    private static bool Receive(InputLag lag, FakeClock clock, TimeSpan after, TimeSpan waited, bool dropped = false)
    {
        clock.Advance(dropped ? TimeSpan.Zero : after);
        var drop = lag.ShouldDrop(Packet, clock.Now);
        lag.ReadingNext(clock.Now + (drop ? 0 : FakeClock.Ticks(waited)));
        return drop;
    }

    private sealed class FakeClock
    {
        public long Now { get; private set; } = 1;

        public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

        public void Advance(TimeSpan by) => Now += Ticks(by);
    }
}
