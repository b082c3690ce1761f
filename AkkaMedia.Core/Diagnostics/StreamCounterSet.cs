using System.Diagnostics.Metrics;
using System.ComponentModel;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// The streams of one actor system grouped by tag values (node type, kind), for observable counters: a
/// total is the sum over the group's running streams plus what its ended streams counted. Streams count on
/// their own <see cref="StreamCounters"/> without touching the set; the set is locked only when a stream is
/// attached or detached and when a collection reads it, so the per-frame cost does not depend on listeners.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamCounterSet(params string[] tagNames)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);

    /// <summary>New counters reported under <paramref name="tagValues"/> (one per tag name, in order) until <see cref="Detach"/>.</summary>
    public StreamCounters Attach(params string[] tagValues)
    {
        if (tagValues.Length != tagNames.Length)
        {
            throw new ArgumentException($"Expected {tagNames.Length} tag values.", nameof(tagValues));
        }

        lock (_gate)
        {
            var key = string.Join('\u001f', tagValues);
            if (!_groups.TryGetValue(key, out var group))
            {
                var tags = new KeyValuePair<string, object?>[tagNames.Length];
                for (var i = 0; i < tags.Length; i++)
                {
                    tags[i] = new KeyValuePair<string, object?>(tagNames[i], tagValues[i]);
                }

                group = new Group(tags);
                _groups.Add(key, group);
            }

            var counters = new StreamCounters(group);
            group.Live.Add(counters);
            return counters;
        }
    }

    /// <summary>Moves what <paramref name="counters"/> counted into its group's total of ended streams; a second call does nothing.</summary>
    public void Detach(StreamCounters counters)
    {
        if (counters.Group is not { } group)
        {
            return;
        }

        lock (_gate)
        {
            if (!group.Live.Remove(counters))
            {
                return;
            }

            group.Ended[(int)StreamCounter.FramesIn] += counters.FramesIn;
            group.Ended[(int)StreamCounter.FramesOut] += counters.FramesOut;
            group.Ended[(int)StreamCounter.BytesIn] += counters.BytesIn;
            group.Ended[(int)StreamCounter.BytesOut] += counters.BytesOut;
        }
    }

    /// <summary>One measurement per group that ever had a stream: the total of <paramref name="which"/> since the system started.</summary>
    public IEnumerable<Measurement<long>> Observe(StreamCounter which)
    {
        lock (_gate)
        {
            var measurements = new List<Measurement<long>>(_groups.Count);
            foreach (var group in _groups.Values)
            {
                var total = group.Ended[(int)which];
                foreach (var live in group.Live)
                {
                    total += live.Read(which);
                }

                measurements.Add(new Measurement<long>(total, group.Tags));
            }

            return measurements;
        }
    }

    /// <summary>The streams reported under one set of tag values.</summary>
    internal sealed class Group(KeyValuePair<string, object?>[] tags)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;

        public HashSet<StreamCounters> Live { get; } = [];

        public long[] Ended { get; } = new long[4];
    }
}
