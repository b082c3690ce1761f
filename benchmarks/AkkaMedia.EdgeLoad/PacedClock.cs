using System.Diagnostics;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// The one clock of a point: a thread that gives each of K sessions a tick every 20 ms at its own phase
/// (session i at i/K of the period), waking every <c>resolution</c>. One thread for all sessions keeps
/// the pace exact and cheap: K timers would each wake a thread and drift on their own. A session's
/// tick only hands a packet to its socket (<see cref="LoadSession.Tick"/> never blocks), so a slow
/// socket cannot delay the other sessions' packets or their timestamps.
/// </summary>
/// <remarks>
/// A tick's timestamp (<see cref="Stopwatch"/>) is the moment the clock handed it out: the packet's
/// arrival from its microphone. A period the clock missed (its thread was not scheduled) is skipped,
/// not caught up, as a live source would.
/// </remarks>
internal sealed class PacedClock : IDisposable
{
    /// <summary>One packet every 20 ms.</summary>
    public static readonly long Period = Stopwatch.Frequency / 50;

    private readonly List<(LoadSession? Session, long Due)> _sessions = [];
    private readonly int _count;
    private readonly TimeSpan _resolution;
    private readonly long _epoch = Stopwatch.GetTimestamp();
    private readonly Thread _thread;
    private volatile bool _stopped;

    /// <param name="count">Sessions that will be added (K): session i ticks at phase i/K of the period.</param>
    /// <param name="resolution">How often the clock wakes to hand out ticks that are due.</param>
    public PacedClock(int count, TimeSpan resolution)
    {
        _count = count;
        _resolution = resolution;
        _thread = new Thread(Run) { IsBackground = true, Name = "paced-clock", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Missed periods: ticks skipped because the clock thread woke a period or more late.</summary>
    public long Skipped { get; private set; }

    /// <summary>Adds the next session; it gets a tick at each of its phases from the next one on.</summary>
    public void Add(LoadSession session)
    {
        lock (_sessions)
        {
            var phase = Period * _sessions.Count / _count;
            var now = Stopwatch.GetTimestamp() - _epoch;
            var next = phase + ((now - phase + Period - 1) / Period * Period);
            _sessions.Add((session, next <= now ? next + Period : next));
        }
    }

    /// <summary>No more ticks for anyone; returns once the clock thread has ended.</summary>
    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stopped)
        {
            Thread.Sleep(_resolution);
            lock (_sessions)
            {
                var now = Stopwatch.GetTimestamp() - _epoch;
                for (var i = 0; i < _sessions.Count; i++)
                {
                    var (session, due) = _sessions[i];
                    if (session is null || due > now)
                    {
                        continue;
                    }

                    session.Tick(_epoch + now);
                    due += Period;
                    while (due <= now)
                    {
                        due += Period;
                        Skipped++;
                    }

                    _sessions[i] = (session, due);
                }
            }
        }
    }
}
