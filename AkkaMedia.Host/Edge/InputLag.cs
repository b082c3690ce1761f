using System.Diagnostics;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// How far a session's reading of a live client has fallen behind real time, and whether to drop the next message to
/// catch up (<c>akka-media.edge.max-input-lag</c>). Used by the one receive loop of a connection; not thread-safe.
/// </summary>
/// <remarks>
/// <para>A live client sends a message every time its duration has passed. When the next one is read later than that,
/// the backlog waiting in the socket grows by the delay, but only by the part of it the server was busy with the
/// previous message (from its arrival until the loop asked for the next one: decoding, waiting for the pipeline to
/// take it, waiting for a thread): a delay of the client's own (a pause) is not the server's backlog. When it is read
/// sooner (the server reading what had piled up) the backlog shrinks by the difference. That is the Lindley recursion
/// of a queue, with the server's own time as its only source of growth.</para>
/// <para>Once the backlog passes the limit, messages are dropped, each shortening it by its duration, until it is back
/// within half of the limit. A pipeline slower than real time fed faster than real time (a file, not a live client)
/// looks the same from here: such a server sets the limit to zero.</para>
/// </remarks>
internal sealed class InputLag(TimeSpan limit)
{
    private long _lastArrival;
    private TimeSpan _lastDuration;
    private TimeSpan _busy;
    private bool _busyOpen;
    private TimeSpan _backlog;
    private bool _dropping;

    /// <summary>The estimated audio waiting to be read, as of the last message.</summary>
    public TimeSpan Backlog => _backlog;

    /// <summary>Marks the moment the receive loop asks for the next message: the server is done with the last one.</summary>
    public void ReadingNext() => ReadingNext(Stopwatch.GetTimestamp());

    /// <summary><see cref="ReadingNext()"/> at <paramref name="timestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    internal void ReadingNext(long timestamp)
    {
        // The first read after an audio message ends the server's time with it; reads after other messages do not.
        if (_busyOpen)
        {
            _busy = Stopwatch.GetElapsedTime(_lastArrival, timestamp);
            _busyOpen = false;
        }
    }

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
            _backlog += late > TimeSpan.Zero ? (late < _busy ? late : _busy) : late;
            if (_backlog < TimeSpan.Zero)
            {
                _backlog = TimeSpan.Zero;
            }
        }

        _lastArrival = timestamp;
        _lastDuration = duration;
        _busy = TimeSpan.Zero;
        _busyOpen = true;
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
