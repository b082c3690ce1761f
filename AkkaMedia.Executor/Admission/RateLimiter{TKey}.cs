using System.Diagnostics;

namespace AkkaMedia.Executor.Admission;

/// <summary>
/// A token bucket per key (a remote IP address for link connections, a client node's address for session opens): each
/// key may take <c>rate</c> tokens at once and then <c>rate</c> per second. Thread-safe; one call is a dictionary look-up
/// under a lock, no allocation once the key is known.
/// </summary>
/// <remarks>
/// Buckets that have filled up again are forgotten once more than <see cref="PruneAbove"/> keys are tracked, so a
/// scan from many addresses cannot grow the table without end.
/// </remarks>
/// <typeparam name="TKey">What is limited: one bucket per distinct key.</typeparam>
internal sealed class RateLimiter<TKey>
    where TKey : notnull
{
    /// <summary>How many keys are tracked before full buckets are forgotten.</summary>
    internal const int PruneAbove = 4096;

    private readonly double _rate;
    private readonly Func<long> _now;
    private readonly Dictionary<TKey, Bucket> _buckets = [];

    /// <param name="rate">Tokens per second per key, and the burst allowed at once; at least 1.</param>
    /// <param name="now">
    /// The clock, in <see cref="Stopwatch"/> ticks; null for <see cref="Stopwatch.GetTimestamp"/>. Test seam.
    /// </param>
    public RateLimiter(int rate, Func<long>? now = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        _rate = rate;
        _now = now ?? Stopwatch.GetTimestamp;
    }

    /// <summary>The tokens per second per key, which is also the burst.</summary>
    public int Rate => (int)_rate;

    /// <summary>Takes a token for <paramref name="key"/>; false when its bucket is empty (what it asked for is to be refused).</summary>
    public bool TryAcquire(TKey key)
    {
        var now = _now();
        lock (_buckets)
        {
            if (_buckets.Count > PruneAbove)
            {
                Prune(now);
            }

            var bucket = _buckets.TryGetValue(key, out var known) ? Refill(known, now) : new Bucket(_rate, now);
            if (bucket.Tokens < 1)
            {
                _buckets[key] = bucket;
                return false;
            }

            _buckets[key] = bucket with { Tokens = bucket.Tokens - 1 };
            return true;
        }
    }

    private Bucket Refill(Bucket bucket, long now) =>
        new(Math.Min(_rate, bucket.Tokens + (_rate * (now - bucket.Stamp) / Stopwatch.Frequency)), now);

    private void Prune(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (Refill(bucket, now).Tokens >= _rate)
            {
                _buckets.Remove(key);
            }
        }
    }

    private readonly record struct Bucket(double Tokens, long Stamp);
}
