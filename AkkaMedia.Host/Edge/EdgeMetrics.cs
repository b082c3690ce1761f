using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// The live edge's instruments, meter <see cref="MeterName"/> (one per server, scoped to it), exported at the server's
/// <c>/metrics</c> as <c>akkamedia_edge_*</c>. Every counter is an observable running total (docs/operations.md
/// "Metrics" says why). Tags: <c>protocol</c> (<c>media</c>, <c>twilio</c>), <c>reason</c>. Thread-safe.
/// </summary>
internal sealed class EdgeMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AkkaMedia.Edge";

    private static readonly string[] Protocols = ["media", "twilio"];

    /// <summary>Why sessions end, reported at 0 from the start so alerts on a rate have a series before the first one.</summary>
    private static readonly string[] EndReasons = ["stopped", "completed", "client_gone", "protocol_violation", "idle", "pipeline_failed", "server_stopping", "internal_error"];

    private readonly ConcurrentDictionary<string, long[]> _perProtocol = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Protocol, string Reason), long[]> _ended = new();
    private readonly ConcurrentDictionary<string, long[]> _refused = new(StringComparer.Ordinal);
    private long _active;

    public EdgeMetrics(object? scope = null)
    {
        Meter = new Meter(new MeterOptions(MeterName) { Version = typeof(EdgeMetrics).Assembly.GetName().Version?.ToString(), Scope = scope });
        foreach (var protocol in Protocols)
        {
            _perProtocol[protocol] = new long[5];
            foreach (var reason in EndReasons)
            {
                _ended[(protocol, reason)] = new long[1];
            }
        }

        foreach (var reason in new[] { "at_capacity", "unauthorized", "origin" })
        {
            _refused[reason] = new long[1];
        }

        Meter.CreateObservableUpDownCounter("sessions.active", () => Interlocked.Read(ref _active), "{session}",
            "WebSocket sessions running now.");
        Meter.CreateObservableCounter("sessions.started", () => Observe(0), "{session}",
            "Sessions opened (a start accepted), by protocol.");
        Meter.CreateObservableCounter("sessions.ended", ObserveEnded, "{session}",
            "Sessions ended, by protocol and reason: stopped, completed, client_gone, protocol_violation, idle, pipeline_failed, server_stopping, internal_error (a defect of the edge, logged as an error).");
        Meter.CreateObservableCounter("sessions.refused", ObserveRefused, "{session}",
            "Connections refused before a session: at_capacity (max-sessions), unauthorized (token), origin (allowed-origins).");
        Meter.CreateObservableCounter("frames.received", () => Observe(1), "{frame}",
            "Audio messages received from clients, by protocol.");
        Meter.CreateObservableCounter("frames.sent", () => Observe(2), "{frame}",
            "Audio packets (20 ms) sent to clients, by protocol.");
        Meter.CreateObservableCounter("frames.dropped", () => Observe(3), "{frame}",
            "Audio packets (20 ms) dropped because a client read slower than real time (each also reported to the client), by protocol.");
        Meter.CreateObservableCounter("frames.dropped.incoming", () => Observe(4), "{frame}",
            "Audio messages from clients dropped because the server fell more than max-input-lag behind real time (each also reported to the client), by protocol.");
    }

    /// <summary>The meter, disposed with this object.</summary>
    public Meter Meter { get; }

    public void SessionStarted(string protocol)
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref Totals(protocol)[0]);
    }

    public void SessionEnded(string protocol, string reason)
    {
        Interlocked.Decrement(ref _active);
        Interlocked.Increment(ref _ended.GetOrAdd((protocol, reason), static _ => new long[1])[0]);
    }

    public void Refused(string reason) => Interlocked.Increment(ref _refused.GetOrAdd(reason, static _ => new long[1])[0]);

    /// <summary>The frame counters of <paramref name="protocol"/>, for a session to hold: counting a frame then costs one interlocked add, no lookup.</summary>
    public FrameCounters Frames(string protocol) => new(Totals(protocol));

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();

    /// <summary>One protocol's running totals of audio frames received, sent and dropped (on the way out and on the way in).</summary>
    public sealed class FrameCounters(long[] totals)
    {
        public void Received() => Interlocked.Increment(ref totals[1]);

        public void Sent() => Interlocked.Increment(ref totals[2]);

        public void Dropped(int count) => Interlocked.Add(ref totals[3], count);

        public void DroppedIncoming() => Interlocked.Increment(ref totals[4]);
    }

    private long[] Totals(string protocol) => _perProtocol.GetOrAdd(protocol, static _ => new long[5]);

    private IEnumerable<Measurement<long>> Observe(int index) =>
        _perProtocol.Select(kv => new Measurement<long>(Interlocked.Read(ref kv.Value[index]), new KeyValuePair<string, object?>("protocol", kv.Key))).ToList();

    private IEnumerable<Measurement<long>> ObserveEnded() =>
        _ended.Select(kv => new Measurement<long>(Interlocked.Read(ref kv.Value[0]),
            new KeyValuePair<string, object?>("protocol", kv.Key.Protocol), new KeyValuePair<string, object?>("reason", kv.Key.Reason))).ToList();

    private IEnumerable<Measurement<long>> ObserveRefused() =>
        _refused.Select(kv => new Measurement<long>(Interlocked.Read(ref kv.Value[0]), new KeyValuePair<string, object?>("reason", kv.Key))).ToList();
}
