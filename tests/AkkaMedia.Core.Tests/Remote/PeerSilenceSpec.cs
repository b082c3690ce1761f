using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;


namespace AkkaMedia.Core.Tests.Remote;

/// <summary>When a link gives up on a silent peer: after the idle timeout of time this node ran, not of stalls.</summary>
public sealed class PeerSilenceSpec
{
    private const long Interval = 200;
    private const long Idle = 1000;

    private static PeerSilence Create(long start) => new(TimeSpan.FromMilliseconds(Interval), TimeSpan.FromMilliseconds(Idle), start);

    [Fact]
    public void A_peer_silent_for_the_idle_timeout_of_punctual_ticks_must_be_presumed_dead()
    {
        var silence = Create(start: 0);
        var verdicts = new List<(long Now, bool Dead)>();
        for (var now = Interval; now <= 2 * Idle; now += Interval)
        {
            verdicts.Add((now, silence.PeerPresumedDead(now, lastReceive: 0)));
        }

        Assert.All(verdicts.Where(v => v.Now <= Idle), v => Assert.False(v.Dead));
        Assert.All(verdicts.Where(v => v.Now > Idle), v => Assert.True(v.Dead));
    }

    [Fact]
    public void A_peer_heard_from_at_every_tick_must_never_be_presumed_dead()
    {
        var silence = Create(start: 0);
        for (var now = Interval; now <= 50 * Interval; now += Interval)
        {
            Assert.False(silence.PeerPresumedDead(now, lastReceive: now - 10));
        }
    }

    [Fact]
    public void A_stall_of_this_process_must_not_count_as_the_peers_silence()
    {
        var silence = Create(start: 0);
        Assert.False(silence.PeerPresumedDead(Interval, lastReceive: Interval - 10));

        // The process is not scheduled for 3 s: no tick runs and nothing is read, from either end.
        const long stall = 3000;
        var resumed = Interval + stall;
        Assert.False(silence.PeerPresumedDead(resumed, lastReceive: Interval - 10));

        // Running again, and the peer is still silent: it is presumed dead only once an idle timeout of running time has passed.
        var running = new List<(long Ran, bool Dead)>();
        for (var now = resumed + Interval; now <= resumed + 2 * Idle; now += Interval)
        {
            running.Add((now - resumed, silence.PeerPresumedDead(now, lastReceive: Interval - 10)));
        }

        Assert.Contains(running, r => !r.Dead);
        Assert.All(running.Where(r => r.Ran >= Idle), r => Assert.True(r.Dead));
        Assert.All(running.Where(r => r.Ran < Idle - Interval), r => Assert.False(r.Dead));
    }

    [Fact]
    public void A_stall_that_ended_before_the_peer_fell_silent_must_not_excuse_a_later_silence()
    {
        var silence = Create(start: 0);

        // A 3 s stall while the peer was talking; the peer answers at once afterwards.
        Assert.False(silence.PeerPresumedDead(3200, lastReceive: 3190));

        // Then the peer goes silent for good, with punctual ticks.
        var lastHeard = 3190L;
        var dead = new List<(long Silent, bool Dead)>();
        for (var now = 3200 + Interval; now <= 3200 + 2 * Idle; now += Interval)
        {
            dead.Add((now - lastHeard, silence.PeerPresumedDead(now, lastHeard)));
        }

        Assert.All(dead, d => Assert.Equal(d.Silent > Idle, d.Dead));
    }
}
