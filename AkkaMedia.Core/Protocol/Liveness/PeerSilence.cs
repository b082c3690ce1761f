namespace AkkaMedia.Protocol.Liveness;

/// <summary>
/// Decides, at each heartbeat tick of a link, whether the peer has been silent for the idle timeout. Only time this
/// node was running counts: a tick that comes much later than its interval means this process was not scheduled (a
/// saturated machine, a long GC pause), and the peer's heartbeats may have been held up by the same stall, since both
/// ends often share a machine. A peer that is really gone is still presumed dead after the idle timeout of running
/// time. Not thread-safe: one tick at a time.
/// </summary>
internal sealed class PeerSilence
{
    private readonly long _intervalMs;
    private readonly long _idleMs;
    private long _lastTick;
    private long _stalled;

    /// <param name="heartbeatInterval">How often ticks come.</param>
    /// <param name="idleTimeout">Silence of running time after which the peer is presumed dead.</param>
    /// <param name="start">The first tick's reference time, in milliseconds (<see cref="Environment.TickCount64"/>).</param>
    public PeerSilence(TimeSpan heartbeatInterval, TimeSpan idleTimeout, long start)
    {
        _intervalMs = Math.Max(1, (long)heartbeatInterval.TotalMilliseconds);
        _idleMs = (long)idleTimeout.TotalMilliseconds;
        _lastTick = start;
    }

    /// <summary>One tick at <paramref name="now"/>; <paramref name="lastReceive"/> is when anything last arrived (both in ms).</summary>
    /// <returns>True when the peer has sent nothing for the idle timeout, not counting stalls of this process.</returns>
    public bool PeerPresumedDead(long now, long lastReceive)
    {
        var late = now - _lastTick - _intervalMs;
        _lastTick = now;
        if (late > _intervalMs)
        {
            _stalled += late;
        }

        var silence = now - lastReceive;
        if (silence <= _intervalMs)
        {
            // Heard from recently: stalls before now do not belong to any silence.
            _stalled = 0;
            return false;
        }

        return silence - Math.Min(_stalled, silence) > _idleMs;
    }
}
