using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.ComponentModel;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// Running totals of events per set of tag values, for an observable counter: <see cref="Add"/> where the event happens,
/// <see cref="Observe"/> at collection time. Preferred to <see cref="Counter{T}"/> because every collection reports
/// every total, so an exporter that forgets series not updated for a while (prometheus-net's adapter drops them after
/// 5 minutes, then restarts them from 0) keeps reporting the true total. Thread-safe; a set of tag values seen once
/// is reported until the meter goes.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EventTotals(params string[] tagNames)
{
    private readonly ConcurrentDictionary<string, Total> _totals = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="delta"/> to the total of <paramref name="tagValues"/> (one per tag name, in order).</summary>
    public void Add(long delta, params string[] tagValues)
    {
        if (tagValues.Length != tagNames.Length)
        {
            throw new ArgumentException($"Expected {tagNames.Length} tag values.", nameof(tagValues));
        }

        var key = tagValues.Length == 0 ? string.Empty : string.Join('\u001f', tagValues);
        var total = _totals.GetOrAdd(key, static (_, state) => new Total(state.Names, state.Values), (Names: tagNames, Values: tagValues));
        Interlocked.Add(ref total.Value, delta);
    }

    /// <summary>The total of every set of tag values seen so far; one measurement with no tags and 0 before anything happened when there are no tags.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        if (tagNames.Length == 0 && _totals.IsEmpty)
        {
            return [new Measurement<long>(0)];
        }

        return _totals.Values.Select(static t => new Measurement<long>(Interlocked.Read(ref t.Value), t.Tags)).ToList();
    }

    private sealed class Total
    {
        public long Value;

        public Total(string[] names, string[] values)
        {
            Tags = new KeyValuePair<string, object?>[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                Tags[i] = new KeyValuePair<string, object?>(names[i], values[i]);
            }
        }

        public KeyValuePair<string, object?>[] Tags { get; }
    }
}
