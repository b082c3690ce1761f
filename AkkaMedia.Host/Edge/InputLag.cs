using System.Diagnostics;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// How far a session's reading of a live client has fallen behind real time, and whether to drop the next message to
/// catch up (<c>akka-media.edge.max-input-lag</c>). Used by the one receive loop of a connection; not thread-safe.
/// </summary>
/// <remarks>
/// <para>A live client sends a message every time its duration has passed. When the next one is read later than that,
/// the backlog waiting in the socket grows by the delay, but only by the part of it the server spent waiting for the
/// pipeline to take the previous message: a delay of the client's own (a pause) is not the server's backlog. When it is
/// read sooner (the server reading what had piled up) the backlog shrinks by the difference. That is the Lindley
/// recursion of a queue, with the server's waits as its only source of growth.</para>
/// <para>Once the backlog passes the limit, messages are dropped, each shortening it by its duration, until it is back
/// within half of the limit. A pipeline slower than real time fed faster than real time (a file, not a live client)
/// looks the same from here: such a server sets the limit to zero.</para>
/// </remarks>
internal sealed class InputLag(TimeSpan limit)
{
    private long _lastArrival;
    private TimeSpan _lastDuration;
    private TimeSpan _lastWait;
    private TimeSpan _backlog;
    private bool _dropping;

    /// <summary>The estimated audio waiting to be read, as of the last message.</summary>
    public TimeSpan Backlog => _backlog;

    /// <summary>Counts <paramref name="duration"/> spent waiting for the pipeline to take the message last let through.</summary>
    public void Waited(TimeSpan duration) => _lastWait += duration;

    /// <summary>
    /// Counts a message of <paramref name="duration"/> arriving now and says whether to drop it rather than hand it to
    /// the pipeline; never with a limit of zero.
    /// </summary>
    public bool ShouldDrop(TimeSpan duration) => ShouldDrop(duration, Stopwatch.GetTimestamp());

    /// <summary><see cref="ShouldDrop(TimeSpan)"/> at <paramref name="timestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    internal bool ShouldDrop(TimeSpan duration, long timestamp)
    {
        if (_lastArrival != 0)
        {
            var late = Stopwatch.GetElapsedTime(_lastArrival, timestamp) - _lastDuration;
            _backlog += late > TimeSpan.Zero ? (late < _lastWait ? late : _lastWait) : late;
            if (_backlog < TimeSpan.Zero)
            {
                _backlog = TimeSpan.Zero;
            }
        }

        _lastArrival = timestamp;
        _lastDuration = duration;
        _lastWait = TimeSpan.Zero;
        if (limit <= TimeSpan.Zero)
        {
            return false;
        }

        _dropping = _dropping ? _backlog > limit / 2 : _backlog > limit;
        if (_dropping)
        {
            // Dropped at once: the next message is due now, not a duration from now.
            _backlog = _backlog > duration ? _backlog - duration : TimeSpan.Zero;
            _lastDuration = TimeSpan.Zero;
        }

        return _dropping;
    }
}
