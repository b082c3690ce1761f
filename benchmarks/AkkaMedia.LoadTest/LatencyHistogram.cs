using System.Diagnostics;

namespace AkkaMedia.LoadTest;

/// <summary>
/// Round trips counted in buckets, so that a run of any length keeps a constant amount of memory: 1 µs wide below
/// 2,048 µs, then 1,024 buckets per power of two (under 0.1 % of the value wide). Recorded from many threads at once
/// (the sinks of the streams); read once recording into it has stopped.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int LinearLimit = 2048;
    private const int SubBucketBits = 10;
    private const int SubBuckets = 1 << SubBucketBits;

    /// <summary>Up to 2³⁵ µs (about 9.5 hours): more than any round trip.</summary>
    private const int Exponents = 25;

    private readonly int[] _counts = new int[LinearLimit + (Exponents * SubBuckets)];
    private long _count;
    private long _maxMicroseconds;

    /// <summary>Round trips recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records one round trip of <paramref name="ticks"/> Stopwatch ticks.</summary>
    public void Record(long ticks)
    {
        var microseconds = Math.Max(0, ticks * 1_000_000 / Stopwatch.Frequency);
        Interlocked.Increment(ref _counts[Index(microseconds)]);
        Interlocked.Increment(ref _count);
        long max;
        while (microseconds > (max = Interlocked.Read(ref _maxMicroseconds)) && Interlocked.CompareExchange(ref _maxMicroseconds, microseconds, max) != max)
        {
        }
    }

    /// <summary>The <paramref name="p"/> quantile (0.99 for p99) in milliseconds: the upper edge of its bucket; 0 when empty.</summary>
    public double PercentileMs(double p)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(p * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Round(Math.Min(UpperEdge(i), Interlocked.Read(ref _maxMicroseconds)) / 1000.0, 3);
            }
        }

        return MaxMs;
    }

    /// <summary>The longest round trip in milliseconds; 0 when empty.</summary>
    public double MaxMs => Math.Round(Interlocked.Read(ref _maxMicroseconds) / 1000.0, 3);

    private static int Index(long microseconds)
    {
        if (microseconds < LinearLimit)
        {
            return (int)microseconds;
        }

        // 2^(e+10) <= v < 2^(e+11), e >= 1: the top 11 bits of v pick the bucket.
        var exponent = (int)Math.Min(63 - long.LeadingZeroCount(microseconds) - SubBucketBits, Exponents);
        var sub = (int)(microseconds >> exponent) - SubBuckets;
        return Math.Min(LinearLimit + ((exponent - 1) * SubBuckets) + sub, LinearLimit + (Exponents * SubBuckets) - 1);
    }

    private static long UpperEdge(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var exponent = ((index - LinearLimit) / SubBuckets) + 1;
        var sub = (index - LinearLimit) % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << exponent) - 1;
    }
}
