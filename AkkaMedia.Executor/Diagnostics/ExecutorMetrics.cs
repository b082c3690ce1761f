using System.Diagnostics.Metrics;
using Akka.Actor;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Isolation;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Diagnostics;

/// <summary>
/// The executor's instruments (meter <see cref="AkkaMediaTelemetry.ExecutorMeterName"/>, one per actor system, scoped to it).
/// Every counter is observable: per-frame totals (frames and payload bytes per node type) are fed by each session's
/// <see cref="StreamCounters"/>, so a frame costs two interlocked adds whether anyone listens or not; events (sessions
/// started, errors, refusals, deploys, package offers and uploads) add to <see cref="EventTotals"/> when they happen.
/// Every collection thus reports every total, which exporters that forget quiet series need.
/// An Akka extension; the meter is disposed with the system. Thread-safe.
/// </summary>
internal sealed class ExecutorMetrics : IExtension
{
    private readonly StreamCounterSet _streams = new("kind", "node_type");
    private readonly Dictionary<(string Kind, string NodeType), long> _active = [];
    private readonly EventTotals _sessionsStarted = new("kind", "transport", "node_type");
    private readonly EventTotals _errors = new("kind");
    private readonly EventTotals _refused = new("reason");
    private readonly EventTotals _cacheHits = new();
    private readonly EventTotals _cacheMisses = new();
    private readonly EventTotals _bytesUploaded = new();
    private readonly EventTotals _deploys = new("kind", "outcome");
    private volatile PackageStore? _store;
    private volatile WorkerPool? _workers;

    public ExecutorMetrics(ActorSystem system)
    {
        Meter = new Meter(new MeterOptions(AkkaMediaTelemetry.ExecutorMeterName) { Version = typeof(ExecutorMetrics).Assembly.GetName().Version?.ToString(), Scope = system });
        Meter.CreateObservableUpDownCounter("sessions.active", ObserveActive, "{session}",
            "Sessions running now, by kind (node, shipped-node, object) and node type.");
        Meter.CreateObservableCounter("sessions.started", _sessionsStarted.Observe, "{session}",
            "Sessions accepted, by kind, transport (link, streamrefs, calls) and node type.");
        Meter.CreateObservableCounter("frames.received", () => _streams.Observe(StreamCounter.FramesIn), "{frame}",
            "Frames that entered a session's node (heartbeats excluded), by kind and node type.");
        Meter.CreateObservableCounter("frames.sent", () => _streams.Observe(StreamCounter.FramesOut), "{frame}",
            "Frames a session's node emitted to its client, by kind and node type.");
        Meter.CreateObservableCounter("bytes.received", () => _streams.Observe(StreamCounter.BytesIn), "By",
            "Media payload bytes that entered a session's node (4 per audio sample, the data of video and bytes frames, UTF-8 text).");
        Meter.CreateObservableCounter("bytes.sent", () => _streams.Observe(StreamCounter.BytesOut), "By",
            "Media payload bytes a session's node emitted.");
        Meter.CreateObservableCounter("errors", _errors.Observe, "{error}",
            "Failures, by kind: node_failure, user_code, call_timeout, sandbox_violation, code_rejected, upload_rejected, refused, session_lost, killed, drain_timeout, start_failed.");
        Meter.CreateObservableCounter("sessions.refused", _refused.Observe, "{session}",
            "Sessions refused, by reason: at_capacity, shutting_down, unknown_node_type, bad_settings, transport_unavailable, code_rejected.");
        Meter.CreateObservableCounter("packages.cache.hits", _cacheHits.Observe, "{assembly}",
            "Assemblies of offered packages the package store already held (not uploaded again).");
        Meter.CreateObservableCounter("packages.cache.misses", _cacheMisses.Observe, "{assembly}",
            "Assemblies of offered packages the package store lacked (asked for an upload).");
        Meter.CreateObservableCounter("packages.bytes.uploaded", _bytesUploaded.Observe, "By",
            "Assembly bytes received by completed uploads.");
        Meter.CreateObservableUpDownCounter("packages.bytes.stored", ObserveStored, "By",
            "Assembly bytes held in the package store now.");
        Meter.CreateObservableCounter("deploys", _deploys.Observe, "{deploy}",
            "Shipped code loaded for a session, by kind (shipped-node, object) and outcome (loaded, rejected, failed).");
        Meter.CreateObservableUpDownCounter("workers.running", () => ObserveWorkers(static w => w.Running), "{process}",
            "Worker processes alive now (isolation = process): warm ones and those serving a session.");
        Meter.CreateObservableUpDownCounter("workers.warm", () => ObserveWorkers(static w => w.Warm), "{process}",
            "Warm worker processes waiting for a session (akka-media.executor.workers.warm).");
        Meter.CreateObservableCounter("workers.killed", ObserveKills, "{process}",
            "Worker processes the executor or the kernel ended, by reason: call_timeout, memory_limit, start_timeout, protocol_error.");
        LinkRoundTrip = LinkRoundTripHistogram.Create(Meter, "from clients");
        foreach (var kind in ExecutorErrorKind.All)
        {
            _errors.Add(0, kind);
        }

        system.RegisterOnTermination(Meter.Dispose);
    }

    /// <summary>This system's meter, whose <see cref="Meter.Scope"/> is the system.</summary>
    public Meter Meter { get; }

    /// <summary>Media link probe round trips, in milliseconds.</summary>
    public Histogram<double> LinkRoundTrip { get; }

    public static ExecutorMetrics Get(ActorSystem system) => system.WithExtension<ExecutorMetrics, Provider>();

    /// <summary>Reports <paramref name="workers"/>' counts as <c>workers.running</c>, <c>workers.warm</c> and <c>workers.killed</c>.</summary>
    public void Observe(WorkerPool workers) => _workers = workers;

    /// <summary>Reports <paramref name="store"/>'s size as <c>packages.bytes.stored</c>.</summary>
    public void Observe(PackageStore store) => _store = store;

    /// <summary>
    /// A session was accepted: counts it as started and active until <see cref="SessionEnded"/>. Streaming sessions
    /// (<paramref name="streams"/>) get counters for their frames.
    /// </summary>
    public SessionMetrics SessionStarted(string kind, string transport, string nodeType, bool streams)
    {
        _sessionsStarted.Add(1, kind, transport, nodeType);
        lock (_active)
        {
            _active[(kind, nodeType)] = _active.GetValueOrDefault((kind, nodeType)) + 1;
        }

        return new SessionMetrics(this, kind, nodeType, streams ? _streams.Attach(kind, nodeType) : null);
    }

    /// <summary>A session stopped: no longer active, its frames move to the totals of ended sessions. Idempotent per session.</summary>
    public void SessionEnded(SessionMetrics session)
    {
        if (!session.End())
        {
            return;
        }

        lock (_active)
        {
            _active[(session.Kind, session.NodeType)]--;
        }

        if (session.Counters is not null)
        {
            _streams.Detach(session.Counters);
        }
    }

    /// <summary>Counts one failure of <paramref name="kind"/> (an <see cref="ExecutorErrorKind"/>).</summary>
    public void Error(string kind) => _errors.Add(1, kind);

    /// <summary>
    /// Counts a refusal; admission refusals (everything but <see cref="RefusalReason.CodeRejected"/>, whose error the
    /// caller counts as what it is) also count as an error of kind <see cref="ExecutorErrorKind.Refused"/>.
    /// </summary>
    public void Refused(RefusalReason reason)
    {
        _refused.Add(1, ReasonTag(reason));
        if (reason != RefusalReason.CodeRejected)
        {
            Error(ExecutorErrorKind.Refused);
        }
    }

    /// <summary>Counts the loading of shipped code for a session of <paramref name="kind"/>: <c>loaded</c>, <c>rejected</c> or <c>failed</c>.</summary>
    public void Deployed(string kind, string outcome) =>
        _deploys.Add(1, kind, outcome);

    /// <summary>A package was offered: <paramref name="hits"/> of its assemblies were cached, <paramref name="misses"/> were not.</summary>
    public void Offered(int hits, int misses)
    {
        if (hits > 0)
        {
            _cacheHits.Add(hits);
        }

        if (misses > 0)
        {
            _cacheMisses.Add(misses);
        }
    }

    /// <summary>An upload completed with <paramref name="bytes"/> received.</summary>
    public void Uploaded(long bytes) => _bytesUploaded.Add(bytes);

    private static string ReasonTag(RefusalReason reason) => reason switch
    {
        RefusalReason.AtCapacity => "at_capacity",
        RefusalReason.UnknownNodeType => "unknown_node_type",
        RefusalReason.BadSettings => "bad_settings",
        RefusalReason.ShuttingDown => "shutting_down",
        RefusalReason.TransportUnavailable => "transport_unavailable",
        RefusalReason.CodeRejected => "code_rejected",
        RefusalReason.RateLimited => "rate_limited",
        _ => "other",
    };

    private IEnumerable<Measurement<long>> ObserveActive()
    {
        lock (_active)
        {
            return _active
                .Select(a => new Measurement<long>(a.Value, new KeyValuePair<string, object?>("kind", a.Key.Kind), new KeyValuePair<string, object?>("node_type", a.Key.NodeType)))
                .ToList();
        }
    }

    private IEnumerable<Measurement<long>> ObserveWorkers(Func<WorkerPool, int> count) =>
        _workers is { } workers ? [new Measurement<long>(count(workers))] : [];

    private IEnumerable<Measurement<long>> ObserveKills()
    {
        if (_workers is not { } workers)
        {
            return [];
        }

        var kills = workers.Kills;
        return Enum.GetValues<WorkerKillReason>()
            .Where(static r => r != WorkerKillReason.SessionEnded)
            .Select(r => new Measurement<long>(kills.GetValueOrDefault(r), new KeyValuePair<string, object?>("reason", KillTag(r))))
            .ToList();
    }

    private static string KillTag(WorkerKillReason reason) => reason switch
    {
        WorkerKillReason.CallTimeout => "call_timeout",
        WorkerKillReason.MemoryLimit => "memory_limit",
        WorkerKillReason.StartTimeout => "start_timeout",
        WorkerKillReason.ProtocolError => "protocol_error",
        _ => reason.ToString().ToLowerInvariant(),
    };

    private IEnumerable<Measurement<long>> ObserveStored() =>
        _store is { } store ? [new Measurement<long>(store.SizeBytes)] : [];

    private sealed class Provider : ExtensionIdProvider<ExecutorMetrics>
    {
        public override ExecutorMetrics CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
