using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;

namespace AkkaMedia.Executor.Tests.Metrics;

/// <summary>
/// Listens to the AkkaMedia meters of the given actor systems only (a meter's scope is its system), so specs in
/// other classes, with other systems, do not disturb the numbers. Counters and histograms are summed as they are
/// recorded; observable instruments are read on demand.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _recorded = new();
    private readonly ConcurrentQueue<Instrument> _published = new();
    private readonly object _observeGate = new();
    private List<Recorded>? _observing;

    public MetricsRecorder(params ActorSystem[] systems)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("AkkaMedia", StringComparison.Ordinal) && systems.Any(s => ReferenceEquals(s, instrument.Meter.Scope)))
            {
                _published.Enqueue(instrument);
                listener.EnableMeasurementEvents(instrument, instrument.Meter.Scope);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>
    /// The sum over every measurement of <paramref name="meter"/>'s <paramref name="instrument"/> whose tags include
    /// <paramref name="tags"/> (name=value): the total added so far for a counter, the current value for an observable one.
    /// </summary>
    public double Value(string meter, string instrument, params (string Name, string Value)[] tags)
    {
        var observed = Observe();
        var source = observed.Any(r => r.Meter == meter && r.Instrument == instrument) ? observed : _recorded.ToList();
        return source.Where(r => r.Meter == meter && r.Instrument == instrument && Matches(r, tags)).Sum(r => r.Value);
    }

    /// <summary>How many series (distinct tag sets) an observable instrument reports now.</summary>
    public int Series(string meter, string instrument) =>
        Observe().Count(r => r.Meter == meter && r.Instrument == instrument);

    /// <summary>Every value recorded so far by a histogram (or counter) with the given tags.</summary>
    public IReadOnlyList<double> Values(string meter, string instrument, params (string Name, string Value)[] tags) =>
        _recorded.Where(r => r.Meter == meter && r.Instrument == instrument && Matches(r, tags)).Select(r => r.Value).ToList();

    /// <summary>The instruments of the listened systems' meters.</summary>
    public IReadOnlyList<Instrument> Instruments => _published.ToList();

    public void Dispose() => _listener.Dispose();

    private static bool Matches(Recorded recorded, (string Name, string Value)[] tags) =>
        tags.All(t => recorded.Tags.TryGetValue(t.Name, out var value) && value == t.Value);

    private List<Recorded> Observe()
    {
        lock (_observeGate)
        {
            _observing = [];
            _listener.RecordObservableInstruments();
            var observed = _observing;
            _observing = null;
            return observed;
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tagMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            tagMap[tag.Key] = tag.Value?.ToString() ?? string.Empty;
        }

        var recorded = new Recorded(instrument.Meter.Name, instrument.Name, value, tagMap);
        if (instrument.IsObservable)
        {
            _observing?.Add(recorded);
        }
        else
        {
            _recorded.Enqueue(recorded);
        }
    }

    private sealed record Recorded(string Meter, string Instrument, double Value, Dictionary<string, string> Tags);
}
