using System.Diagnostics;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// Pairs the frames a remote stage sends with the frames it gets back, first in first out: each received frame
/// is matched with the oldest sent frame not yet matched, and the time between the two is the round trip. Exact
/// for nodes that emit one frame per frame; for others it is the age of the oldest unanswered frame when an output
/// arrives. At most <see cref="Capacity"/> frames wait for an answer: when more are in flight the oldest is
/// forgotten, and an output with no sent frame waiting is not measured. Used by one stage, on its own thread;
/// costs one timestamp per sent frame and one per received frame, and allocates nothing after construction.
/// </summary>
internal sealed class RoundTripClock
{
    public const int Capacity = 64;

    private readonly long[] _sent = new long[Capacity];
    private int _head;
    private int _count;

    public void Sent() => Sent(Stopwatch.GetTimestamp());

    /// <summary>A frame was sent at <paramref name="timestamp"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Sent(long timestamp)
    {
        var tail = (_head + _count) & (Capacity - 1);
        _sent[tail] = timestamp;
        if (_count == Capacity)
        {
            _head = (_head + 1) & (Capacity - 1);
        }
        else
        {
            _count++;
        }
    }

    /// <summary>The round trip of the oldest waiting frame, in milliseconds, or false when none waits.</summary>
    public bool TryReceived(out double milliseconds) => TryReceived(Stopwatch.GetTimestamp(), out milliseconds);

    /// <summary>A frame arrived at <paramref name="timestamp"/> (<see cref="Stopwatch"/> ticks); see <see cref="TryReceived(out double)"/>.</summary>
    public bool TryReceived(long timestamp, out double milliseconds)
    {
        if (_count == 0)
        {
            milliseconds = 0;
            return false;
        }

        milliseconds = (timestamp - _sent[_head]) * 1000.0 / Stopwatch.Frequency;
        _head = (_head + 1) & (Capacity - 1);
        _count--;
        return true;
    }
}
