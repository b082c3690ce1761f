using System.Diagnostics;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The clock of the paced scenario: one thread that gives each of K streams a tick every 20 ms at its
/// own phase (stream i at i/K of the period), checking every <c>resolution</c>. Akka's scheduler cannot
/// do this: its tick is at least 10 ms, which sends the streams in two bursts of K/2 per period.
/// </summary>
/// <remarks>
/// A tick is the <see cref="Stopwatch"/> timestamp at which it was handed out: the moment the frame
/// "arrives" from its source. A missed period (the clock thread was late) is skipped, not caught up.
/// </remarks>
internal sealed class PacedClock : IDisposable
{
    private readonly List<(Action<long>? Tick, long Due)> _streams = [];
    private readonly List<bool> _sent = [];
    private readonly long _period = (long)(LoadTestFrames.Interval.TotalSeconds * Stopwatch.Frequency);
    private readonly int _count;
    private readonly TimeSpan _resolution;
    private readonly CancellationTokenSource _stop = new();
    private readonly long _epoch = Stopwatch.GetTimestamp();
    private Thread? _thread;
    private volatile bool _held;

    /// <param name="count">Streams that will be added (K): stream i ticks at phase i/K of the period.</param>
    /// <param name="resolution">How often the clock wakes to hand out ticks that are due.</param>
    public PacedClock(int count, TimeSpan resolution)
    {
        _count = count;
        _resolution = resolution;
    }

    /// <summary>Adds the next stream; <paramref name="tick"/> is called on the clock's thread at each of its phases from now on.</summary>
    /// <returns>The stream's number, for <see cref="Remove"/>.</returns>
    public int Add(Action<long> tick)
    {
        int index;
        lock (_streams)
        {
            index = _streams.Count;
            var phase = _period * _streams.Count / _count;
            var now = Stopwatch.GetTimestamp() - _epoch;
            var next = phase + ((now - phase + _period - 1) / _period * _period);
            _streams.Add((tick, next < now ? next + _period : next));
            _sent.Add(false);
        }

        if (_thread is null)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "paced-clock" };
            _thread.Start();
        }

        return index;
    }

    /// <summary>
    /// While true, a stream sends only its first frame (the probe that times its session's open) and drops its later
    /// ticks: see <see cref="Hold"/>. Read from the streams' threads.
    /// </summary>
    public bool IsHeld => _held;

    /// <summary>From now until <see cref="Release"/>, streams send their first frame only.</summary>
    public void Hold() => _held = true;

    /// <summary>
    /// Stream <paramref name="index"/> has sent its first frame: while the clock is held it gets no ticks, so that a
    /// held ramp measures placing sessions, not handing out ticks that would be dropped.
    /// </summary>
    public void MarkSent(int index)
    {
        lock (_streams)
        {
            _sent[index] = true;
        }
    }

    /// <summary>Streams send at every tick again.</summary>
    public void Release() => _held = false;

    /// <summary>Stream <paramref name="index"/> gets no more ticks.</summary>
    public void Remove(int index)
    {
        lock (_streams)
        {
            _streams[index] = (null, 0);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            Thread.Sleep(_resolution);
            lock (_streams)
            {
                var now = Stopwatch.GetTimestamp() - _epoch;
                for (var i = 0; i < _streams.Count; i++)
                {
                    var (tick, due) = _streams[i];
                    if (tick is null || due > now)
                    {
                        continue;
                    }

                    // A held stream that has sent keeps its phase, so that the release does not send every stream at once.
                    if (!(_held && _sent[i]))
                    {
                        tick(_epoch + now);
                    }

                    while (due <= now)
                    {
                        due += _period;
                    }

                    _streams[i] = (tick, due);
                }
            }
        }
    }
}
