using System.Diagnostics;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The calls of one measured window of the calls scenario: each call's latency in
/// <see cref="Stopwatch"/> ticks, how many answers were wrong, and the window calls per second are
/// counted over. Safe to record into from several threads.
/// </summary>
internal sealed class CallRecorder
{
    private readonly object _gate = new();
    private readonly List<long> _latencies = new(capacity: 16_384);
    private long _wrong;
    private Exception? _failure;

    /// <summary>Calls recorded.</summary>
    public int Calls
    {
        get
        {
            lock (_gate)
            {
                return _latencies.Count;
            }
        }
    }

    /// <summary>Calls whose answer was not the expected one.</summary>
    public long WrongResults => Interlocked.Read(ref _wrong);

    /// <summary>The first failure recorded by <see cref="Fail"/>; null when none.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>Calls that count for the rate (<see cref="Calls"/> unless the mode says otherwise).</summary>
    public long CountedCalls { get; set; } = -1;

    /// <summary>Length of the window the rate is counted over, in <see cref="Stopwatch"/> ticks.</summary>
    public long WindowTicks { get; set; }

    /// <summary>Calls per second over the window.</summary>
    public double CallsPerSecond => WindowTicks <= 0 ? 0 : (CountedCalls < 0 ? Calls : CountedCalls) * (double)Stopwatch.Frequency / WindowTicks;

    /// <summary>Records one call of <paramref name="ticks"/>; <paramref name="right"/> false when its answer was wrong.</summary>
    public void Record(long ticks, bool right)
    {
        lock (_gate)
        {
            _latencies.Add(ticks);
        }

        if (!right)
        {
            Interlocked.Increment(ref _wrong);
        }
    }

    /// <summary>Keeps the first of the failures of a mode whose calls complete on other threads.</summary>
    public void Fail(Exception failure)
    {
        lock (_gate)
        {
            _failure ??= failure;
        }
    }

    /// <summary>The calls of several callers, over the window given.</summary>
    public static CallRecorder Merge(IReadOnlyList<CallRecorder> recorders, long windowTicks)
    {
        var merged = new CallRecorder { WindowTicks = windowTicks };
        foreach (var recorder in recorders)
        {
            lock (recorder._gate)
            {
                merged._latencies.AddRange(recorder._latencies);
                merged._failure ??= recorder._failure;
            }

            merged._wrong += recorder.WrongResults;
        }

        return merged;
    }

    /// <summary>The latencies recorded, shortest first.</summary>
    public List<long> SortedLatencies()
    {
        lock (_gate)
        {
            var sorted = new List<long>(_latencies);
            sorted.Sort();
            return sorted;
        }
    }
}
