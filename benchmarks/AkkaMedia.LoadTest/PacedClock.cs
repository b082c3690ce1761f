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
    private readonly long _period = (long)(LoadTestFrames.Interval.TotalSeconds * Stopwatch.Frequency);
    private readonly int _count;
    private readonly TimeSpan _resolution;
    private readonly CancellationTokenSource _stop = new();
    private readonly long _epoch = Stopwatch.GetTimestamp();
    private Thread? _thread;

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
        }

        if (_thread is null)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "paced-clock" };
            _thread.Start();
        }

        return index;
    }

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

                    tick(_epoch + now);
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
