using System.Diagnostics;
using System.Net;

namespace AkkaMedia.Executor.Link;

/// <summary>
/// A token bucket per remote IP address: each address may open <c>rate</c> connections at once and then
/// <c>rate</c> per second. Thread-safe.
/// </summary>
/// <remarks>
/// Buckets that have filled up again are forgotten once more than <see cref="PruneAbove"/> addresses are tracked, so a
/// scan from many addresses cannot grow the table without end.
/// </remarks>
internal sealed class ConnectionRateLimiter
{
    /// <summary>How many addresses are tracked before full buckets are forgotten.</summary>
    internal const int PruneAbove = 4096;

    private readonly double _rate;
    private readonly Func<long> _now;
    private readonly Dictionary<IPAddress, Bucket> _buckets = [];

    /// <param name="rate">Connections per second per address, and the burst allowed at once; at least 1.</param>
    /// <param name="now">
    /// The clock, in <see cref="Stopwatch"/> ticks; null for <see cref="Stopwatch.GetTimestamp"/>. Test seam.
    /// </param>
    public ConnectionRateLimiter(int rate, Func<long>? now = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        _rate = rate;
        _now = now ?? Stopwatch.GetTimestamp;
    }

    /// <summary>Takes a token for a connection from <paramref name="address"/>; false when its bucket is empty (the connection is to be refused).</summary>
    public bool TryAcquire(IPAddress address)
    {
        var now = _now();
        lock (_buckets)
        {
            if (_buckets.Count > PruneAbove)
            {
                Prune(now);
            }

            var bucket = _buckets.TryGetValue(address, out var known) ? Refill(known, now) : new Bucket(_rate, now);
            if (bucket.Tokens < 1)
            {
                _buckets[address] = bucket;
                return false;
            }

            _buckets[address] = bucket with { Tokens = bucket.Tokens - 1 };
            return true;
        }
    }

    private Bucket Refill(Bucket bucket, long now) =>
        new(Math.Min(_rate, bucket.Tokens + (_rate * (now - bucket.Stamp) / Stopwatch.Frequency)), now);

    private void Prune(long now)
    {
        foreach (var (address, bucket) in _buckets)
        {
            if (Refill(bucket, now).Tokens >= _rate)
            {
                _buckets.Remove(address);
            }
        }
    }

    private readonly record struct Bucket(double Tokens, long Stamp);
}
