using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;
using Akka.Event;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Admission;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Isolation;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Sessions;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor;

/// <summary>
/// The executor of a node (one per actor system, at <c>/user/akka-media-executor</c>): accepts or
/// refuses <see cref="OpenSession"/> requests, runs each accepted one in a <c>SessionActor</c> child,
/// and reports its load to <see cref="GetExecutorStatus"/>. Code uploads addressed to it go to its package store
/// (child <c>packages</c>). Operators (the host's admin commands, in the same actor system) list its sessions with
/// <see cref="ListSessions"/>, its cached packages with <see cref="ListPackages"/>, and stop a session with
/// <see cref="KillSession"/>; these three are local messages with no wire format. A stopping node drains it with
/// <see cref="Drain"/>: no new sessions, running ones finish or are failed when the drain timeout passes. Reports its
/// sessions, refusals and package cache through the system's <c>AkkaMedia.Executor</c> meter. Each session request is
/// an <c>akkamedia.session.start</c> span, child of the trace context the request carries, which the session's actor
/// ends once the session is open (a refusal here ends it at once, with status Error).
/// </summary>
internal sealed class ExecutorActor : ReceiveActor, IWithTimers
{
    /// <summary>The name under <c>/user</c> that clients address.</summary>
    public const string Name = "akka-media-executor";

    private readonly ExecutorSettings _settings;
    private readonly NodeRegistry _registry;
    private readonly SessionTransports _transports;
    private readonly PackageStore _packages;
    private readonly SandboxPolicy _sandbox;
    private readonly CodeAdmission _admission;
    private readonly IActorRef _packageStore;
    private readonly UserCodeHost _code;

    /// <summary>The worker processes shipped code runs in under <c>isolation = process</c>; null in-process.</summary>
    private readonly WorkerPool? _workers;
    private readonly Dictionary<string, RunningSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ExecutorMetrics _metrics = ExecutorMetrics.Get(Context.System);
    private readonly List<IActorRef> _drainWaiters = [];
    private readonly SessionOpenRates _openRates;

    /// <summary>Session opens refused for their rate since the last <see cref="LogRateRefusals"/>, per client node: logged as counts, not one line each.</summary>
    private readonly Dictionary<Address, (int Count, string Rule)> _rateRefusals = [];
    private readonly Dictionary<(NodeDescriptor Descriptor, string Settings), (Func<object> Factory, Flow<object, object, NotUsed> Flow)> _flows = [];

    /// <summary>While a batch is handled: its gatherer, which gets the refusals and the sessions' answers instead of each client.</summary>
    private IActorRef? _batch;
    private string? _selfAddress;
    private bool _accepting = true;
    private int _drainStarted;
    private int _drainFailed;

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public ExecutorActor(
        ExecutorSettings settings, NodeRegistry registry, PackageStore packages, SandboxPolicy sandbox, CodeAdmission admission, SessionTransports transports, SessionOpenRates openRates,
        WorkerPool? workers = null)
    {
        _settings = settings;
        _openRates = openRates;
        _registry = registry;
        _packages = packages;
        _sandbox = sandbox;
        _admission = admission;
        _transports = transports;
        _packageStore = Context.ActorOf(
            PackageStoreActor.Props(packages, PackageStoreSettings.Create(Context.System.Settings.Config), admission), PackageStoreActor.Name);
        _code = UserCodeHost.Create(Context.System.Settings.Config, packages, sandbox);
        _metrics.Observe(packages);
        _workers = workers;
        if (workers is not null)
        {
            _metrics.Observe(workers);
        }

        Receive<OpenSession>(request => Open(request, rateAdmitted: false));
        Receive<OpenSessions>(OpenBatch);
        Receive<OpenObjectSession>(OpenObject);
        Receive<OpenNodeSession>(OpenNode);
        Receive<CloseSession>(close =>
        {
            if (_sessions.TryGetValue(close.SessionId, out var session))
            {
                session.Actor.Forward(close);
            }
        });
        Receive<ListSessions>(_ => Sender.Tell(_sessions.Values
            .Select(Summary)
            .OrderBy(s => s.Started)
            .ToList()));
        Receive<ListPackages>(_ => Sender.Tell(_packages.List()));
        Receive<KillSession>(kill =>
        {
            var found = _sessions.TryGetValue(kill.SessionId, out var session);
            if (found)
            {
                _log.ForSession(kill.SessionId).Warning("Session of {Kind} killed by an operator: {Reason}", session!.Kind, kill.Reason);
                if (session.Metrics.Counters is null)
                {
                    // An object session has no stream to fail: stopping it fails the client's pending and later calls.
                    Context.Stop(session.Actor);
                }
                else
                {
                    session.Actor.Tell(kill);
                }
            }

            Sender.Tell(found);
        });
        Receive<GetExecutorStatus>(_ => Sender.Tell(Status()));
        Receive<IPackageStoreRequest>(request => _packageStore.Forward(request));
        Receive<Drain>(StartDrain);
        Receive<LogRateRefusals>(_ => LogRateRefused());
        Receive<DrainTimedOut>(FailRemaining);
        Receive<DrainAbandoned>(_ =>
        {
            _log.Warning("Drain: {0} session(s) did not stop after being failed; the executor stops waiting for them", _sessions.Count);
            AnswerDrain();
        });
        Receive<Terminated>(t =>
        {
            var id = t.ActorRef.Path.Name;
            if (_sessions.Remove(id, out var ended))
            {
                _metrics.SessionEnded(ended.Metrics);
                _log.ForSession(id).Debug("Session ended; {ActiveSessions} active", _sessions.Count);
                if (_sessions.Count == 0 && _drainWaiters.Count > 0)
                {
                    AnswerDrain();
                }
            }
        });
    }

    /// <summary>
    /// Props for the executor of a node, whose shipped code is cached in <paramref name="packages"/> and whose sessions
    /// travel by <paramref name="transports"/> (both owned by the caller), checked against <paramref name="sandbox"/> before
    /// shipped code loads; <paramref name="admission"/> decides who may ship code at all (package offers, uploads and
    /// sessions of shipped code; registered node types are open to every member); <paramref name="openRates"/> holds each
    /// client to its rate of session opens. Shipped code runs in worker processes of <paramref name="workers"/> (owned by the caller) when
    /// given, else in-process.
    /// </summary>
    internal static Props Props(
        ExecutorSettings settings, NodeRegistry registry, PackageStore packages, SandboxPolicy sandbox, CodeAdmission admission, SessionTransports transports, SessionOpenRates openRates,
        WorkerPool? workers = null) =>
        Akka.Actor.Props.Create(() => new ExecutorActor(settings, registry, packages, sandbox, admission, transports, openRates, workers));

    /// <summary>
    /// Drains the executor before its node stops: from now on it refuses new sessions (<see cref="RefusalReason.ShuttingDown"/>,
    /// saying it is draining, so clients open them on another executor) and lets running sessions go on. When the last one
    /// ends, or once <paramref name="Timeout"/> has passed, it answers <see cref="Drained"/>; at the timeout the sessions
    /// still running are failed first, their clients' stages with a message naming this executor and the timeout
    /// (<c>Executor … is shutting down: the drain timeout of N s elapsed …</c>), object sessions by stopping. A second
    /// Drain while one runs joins it (its own timeout is ignored). Local only: not serializable.
    /// </summary>
    /// <param name="Timeout">How long running sessions may go on; zero fails them at once. Not negative.</param>
    public sealed record Drain(TimeSpan Timeout)
    {
        /// <summary>The timeout, validated.</summary>
        public TimeSpan Timeout { get; } = Timeout >= TimeSpan.Zero ? Timeout : throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "A drain timeout cannot be negative.");
    }

    /// <summary>The answer to <see cref="Drain"/>: no session runs any more.</summary>
    /// <param name="Finished">Sessions that ended by themselves during the drain.</param>
    /// <param name="Failed">Sessions failed because the drain timeout passed.</param>
    public sealed record Drained(int Finished, int Failed);

    /// <summary>
    /// Asks for the sessions this executor runs, answered with an <c>IReadOnlyList&lt;SessionSummary&gt;</c>
    /// ordered oldest first (empty when none run). Local only: not serializable.
    /// </summary>
    public sealed class ListSessions
    {
        /// <summary>The single instance.</summary>
        public static readonly ListSessions Instance = new();

        private ListSessions()
        {
        }
    }

    /// <summary>
    /// Asks for the assemblies cached in this executor's package store, answered with an
    /// <c>IReadOnlyList&lt;PackageStoreEntry&gt;</c> (see <see cref="PackageStore.List"/>). Local only.
    /// </summary>
    public sealed class ListPackages
    {
        /// <summary>The single instance.</summary>
        public static readonly ListPackages Instance = new();

        private ListPackages()
        {
        }
    }

    /// <summary>
    /// Stops session <paramref name="SessionId"/> now. A streaming session's stream fails on both ends with a message
    /// saying an operator killed it, followed by <paramref name="Reason"/> when not empty; an object session stops, so
    /// its client's calls fail. Answered with <c>true</c>, or <c>false</c> when no such session runs. Local only.
    /// </summary>
    public sealed record KillSession(string SessionId, string Reason);

    /// <summary>How long the answers of a batch wait for a member that is slow to open before they go without it.</summary>
    internal static readonly TimeSpan BatchFlushAfter = TimeSpan.FromMilliseconds(20);

    /// <summary>How many (node type, settings) blueprints <see cref="Open"/> keeps; past that it starts again from none.</summary>
    internal const int MaxCachedFlows = 256;

    /// <summary>How often the session opens refused for their rate are logged, as one count per client.</summary>
    internal static readonly TimeSpan RateRefusalLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>The timers of the drain and of the refusal log (set by Akka.NET).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>How long sessions failed at the drain timeout get to stop before the drain is answered anyway.</summary>
    internal static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(5);

    /// <summary>A session actor that throws is stopped, never restarted: see <see cref="SessionSupervision"/>.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => SessionSupervision.Strategy;

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var session in _sessions.Values)
        {
            _metrics.SessionEnded(session.Metrics);
        }
    }

    /// <summary>How <paramref name="session"/> is listed: under process isolation with its worker's pid and what the worker uses now.</summary>
    private SessionSummary Summary(RunningSession session)
    {
        var summary = new SessionSummary(session.SessionId, session.Client.Path.ToString(), session.Kind, session.Transport,
            session.Metrics.Counters?.FramesIn, session.Metrics.Counters?.FramesOut, session.Started);
        if (session.Metrics.Kind == SessionKind.Node || _workers is null)
        {
            return summary;
        }

        if (_workers.WorkerOf(session.SessionId) is not { } worker)
        {
            return summary with { Isolation = SessionSummary.ProcessIsolation };
        }

        var usage = worker.Process.Usage();
        return summary with { Isolation = SessionSummary.ProcessIsolation, WorkerPid = worker.Process.Pid, WorkerMemoryBytes = usage.MemoryBytes, WorkerCpu = usage.CpuTime };
    }

    private string SelfAddress => _selfAddress ??= ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    private void StartDrain(Drain drain)
    {
        _accepting = false;
        _drainWaiters.Add(Sender);
        if (_drainWaiters.Count > 1)
        {
            return;
        }

        _drainStarted = _sessions.Count;
        _drainFailed = 0;
        if (_sessions.Count == 0)
        {
            AnswerDrain();
            return;
        }

        _log.Info("Draining: {0} session(s) running; new sessions are refused; waiting up to {1:0.###} s for them to finish", _sessions.Count, drain.Timeout.TotalSeconds);
        Timers.StartSingleTimer(DrainTimedOut.Key, new DrainTimedOut(drain.Timeout), drain.Timeout);
    }

    private void FailRemaining(DrainTimedOut timedOut)
    {
        if (_drainWaiters.Count == 0 || _sessions.Count == 0)
        {
            return;
        }

        _drainFailed = _sessions.Count;
        _log.Warning("Drain timeout of {0:0.###} s elapsed: failing {1} session(s) still running", timedOut.Timeout.TotalSeconds, _sessions.Count);
        foreach (var session in _sessions.Values)
        {
            var message = $"Executor {SelfAddress} is shutting down: the drain timeout of {timedOut.Timeout.TotalSeconds:0.###} s elapsed " +
                $"before session {session.SessionId} ({session.Kind}) finished.";
            if (session.Metrics.Counters is null)
            {
                // An object session has no stream to fail: stopping it fails the client's pending and later calls.
                _metrics.Error(ExecutorErrorKind.DrainTimeout);
                Context.Stop(session.Actor);
            }
            else
            {
                session.Actor.Tell(new AbortSession(message));
            }
        }

        Timers.StartSingleTimer(DrainAbandoned.Instance, DrainAbandoned.Instance, AbortGrace);
    }

    private void AnswerDrain()
    {
        Timers.Cancel(DrainTimedOut.Key);
        Timers.Cancel(DrainAbandoned.Instance);
        var drained = new Drained(Math.Max(0, _drainStarted - _drainFailed), _drainFailed);
        foreach (var waiter in _drainWaiters)
        {
            waiter.Tell(drained);
        }

        _drainWaiters.Clear();
    }

    private ExecutorStatus Status() =>
        new(((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(), _sessions.Count, _settings.MaxSessions, _accepting);

    /// <summary>
    /// Refuses (as <see cref="RefusalReason.RateLimited"/>) and returns false when the sender's node has opened sessions
    /// faster than <c>max-session-opens-per-second</c>. Checked first, before any other work on the request: a flood of
    /// opens costs one look-up and one reply each. Every member of a batch takes its own token.
    /// </summary>
    private bool AdmitRate(string sessionId, Activity? span)
    {
        var client = Sender.Path.Address;
        if (_openRates.TryAcquire(client, out var rule, out var rate))
        {
            return true;
        }

        (_batch ?? Sender).Tell(RateRefusal(sessionId, client, rule, rate, span));
        return false;
    }

    /// <summary>
    /// The refusal of an open beyond the client's rate (<paramref name="rule"/>: the setting that applied, <c>KEY = N</c>;
    /// <paramref name="rate"/>: N), counted, logged (as a count) and its span closed; not sent.
    /// </summary>
    private SessionRefused RateRefusal(string sessionId, Address client, string rule, int rate, Activity? span)
    {
        CountRateRefusal(client, rule);
        return Refusal(sessionId, RefusalReason.RateLimited,
            $"Executor {SelfAddress} refused the session: client {client} opens sessions faster than {rule} " +
            $"(at most {rate} at once, then {rate} per second). Open them more slowly or raise the limit.", span);
    }

    /// <summary>Logs the first refusal of a client for its rate at once, the rest as a count every <see cref="RateRefusalLogInterval"/>.</summary>
    private void CountRateRefusal(Address client, string rule)
    {
        if (_rateRefusals.TryGetValue(client, out var known))
        {
            _rateRefusals[client] = (known.Count + 1, rule);
            return;
        }

        if (_rateRefusals.Count >= RateLimiter<Address>.PruneAbove)
        {
            return;
        }

        _rateRefusals[client] = (0, rule);
        _log.Warning("Refusing session opens of client {0}: beyond {1}; further refusals are logged as a count every {2:0} s",
            client, rule, RateRefusalLogInterval.TotalSeconds);
        if (!Timers.IsTimerActive(LogRateRefusals.Instance))
        {
            Timers.StartSingleTimer(LogRateRefusals.Instance, LogRateRefusals.Instance, RateRefusalLogInterval);
        }
    }

    private void LogRateRefused()
    {
        foreach (var (client, (count, rule)) in _rateRefusals)
        {
            if (count > 0)
            {
                _log.Warning("Refused {0} more session opens of client {1} in the last {2:0} s ({3})",
                    count, client, RateRefusalLogInterval.TotalSeconds, rule);
            }
        }

        _rateRefusals.Clear();
    }

    /// <summary>Refuses (and returns false) when the executor is draining or full.</summary>
    private bool Admit(string sessionId, Activity? span)
    {
        if (!_accepting)
        {
            Refuse(sessionId, RefusalReason.ShuttingDown,
                $"Executor {Status().Address} is draining before it shuts down and accepts no new sessions; use another executor.", span);
            return false;
        }

        if (_sessions.Count >= _settings.MaxSessions)
        {
            Refuse(sessionId, RefusalReason.AtCapacity, $"Executor {Status().Address} is at capacity ({_settings.MaxSessions} sessions).", span);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Refuses (as <see cref="RefusalReason.CodeRejected"/>, naming the rule) and returns false when the admission rules
    /// keep the sender from running this shipped code: checked on every open, whatever the package store holds.
    /// </summary>
    private bool AdmitCode(string sessionId, string entryAssembly, IReadOnlyList<PackageEntry> entries, PackageSignature? signature, Activity? span)
    {
        if (_admission.Refusal(Sender, entryAssembly, entries, signature) is not { } refusal)
        {
            return true;
        }

        _log.ForSession(sessionId).Warning("Refused shipped code: {Refusal}", refusal);
        _metrics.Error(ExecutorErrorKind.CodeRejected);
        Refuse(sessionId, RefusalReason.CodeRejected, refusal, span);
        return false;
    }

    private void Refuse(string sessionId, RefusalReason reason, string message, Activity? span) =>
        (_batch ?? Sender).Tell(Refusal(sessionId, reason, message, span));

    /// <summary>A refusal, counted and its span closed; not sent.</summary>
    private SessionRefused Refusal(string sessionId, RefusalReason reason, string message, Activity? span)
    {
        _metrics.Refused(reason);
        if (span is not null)
        {
            span.SetTag(MediaTracing.RefusalTag, reason.ToString());
            span.Fail(reason.ToString(), message);
            span.Stop();
        }

        return new SessionRefused(sessionId, reason, message);
    }

    /// <summary>The span of a session request: child of the client's trace, tagged with what is known on arrival. Null while nobody listens.</summary>
    private static Activity? StartSpan(string sessionId, string kind, string transport, TraceContext trace)
    {
        var span = MediaTracing.Start(MediaTracing.SessionStart, ActivityKind.Server, trace);
        if (span is not null)
        {
            span.SetTag(MediaTracing.SessionIdTag, sessionId);
            span.SetTag(MediaTracing.SessionKindTag, kind);
            span.SetTag(MediaTracing.TransportTag, transport);
        }

        return span;
    }

    /// <summary>A request that repeats a session already running: ignored, its span closed as such.</summary>
    private static void Duplicate(Activity? span)
    {
        span?.SetTag(MediaTracing.OutcomeTag, "duplicate");
        span?.Stop();
    }

    /// <summary>Starts the session's actor from <paramref name="props"/>; <paramref name="kind"/> is a <see cref="SessionKind"/>, <paramref name="description"/> what operators see.</summary>
    private IActorRef StartSession(string sessionId, Func<SessionMetrics, Props> props, IActorRef client, string kind, string nodeType, string description, string transport)
    {
        var metrics = _metrics.SessionStarted(kind, transport, nodeType, streams: kind != SessionKind.Object);
        var session = Context.ActorOf(props(metrics), sessionId);
        Context.Watch(session);
        _sessions.Add(sessionId, new RunningSession(session, sessionId, client, description, transport, metrics, DateTimeOffset.UtcNow));
        return session;
    }

    /// <summary>
    /// Opens every member of <paramref name="batch"/> as <see cref="Open"/> would open it alone; an
    /// <see cref="OpenBatchActor"/> gathers the refusals and the sessions' answers for the batch's reply address. Each
    /// member takes a token of the client's rate first; a batch refused whole for its rate is answered at once, without
    /// a gatherer.
    /// </summary>
    private void OpenBatch(OpenSessions batch)
    {
        var client = Sender.Path.Address;
        List<SessionRefused>? refused = null;
        var admitted = new List<OpenSession>(batch.Sessions.Count);
        foreach (var request in batch.Sessions)
        {
            if (_openRates.TryAcquire(client, out var rule, out var rate))
            {
                admitted.Add(request);
                continue;
            }

            var span = StartSpan(request.SessionId, SessionKind.Node, TransportNames.Of(request.Transport), request.Trace);
            span?.SetTag(MediaTracing.NodeTypeTag, request.NodeType);
            (refused ??= []).Add(RateRefusal(request.SessionId, client, rule, rate, span));
        }

        if (admitted.Count == 0)
        {
            batch.ReplyTo.Tell(new SessionsAnswered([], refused!));
            return;
        }

        _batch = Context.ActorOf(OpenBatchActor.Props(batch.ReplyTo, BatchFlushAfter));
        try
        {
            foreach (var refusal in refused ?? [])
            {
                _batch.Tell(refusal);
            }

            foreach (var request in admitted)
            {
                Open(request, rateAdmitted: true);
            }
        }
        finally
        {
            _batch.Tell(OpenBatchActor.Sealed.Instance);
            _batch = null;
        }
    }

    private void OpenObject(OpenObjectSession request)
    {
        var span = StartSpan(request.SessionId, SessionKind.Object, "calls", request.Trace);
        span?.SetTag(MediaTracing.EntryAssemblyTag, request.EntryAssembly);
        if (!AdmitRate(request.SessionId, span))
        {
            return;
        }

        if (_sessions.ContainsKey(request.SessionId))
        {
            Duplicate(span);
            return;
        }

        if (!AdmitCode(request.SessionId, request.EntryAssembly, request.Entries, request.Signature, span) || !Admit(request.SessionId, span))
        {
            return;
        }

        if (_code.CallTimeout(request.CallTimeout, out var error) is not { } callTimeout)
        {
            Refuse(request.SessionId, RefusalReason.BadSettings, error!, span);
            return;
        }

        var code = _code;
        var linkServer = _transports.LinkServer;
        var workers = _workers;
        StartSession(request.SessionId, metrics => workers is null
                ? Akka.Actor.Props.Create(() => new ObjectSessionActor(request, code, callTimeout, metrics, span, linkServer))
                : Akka.Actor.Props.Create(() => new WorkerObjectSessionActor(request, code, workers, callTimeout, metrics, span, linkServer)),
            request.Client, SessionKind.Object, request.EntryAssembly, $"object of {request.EntryAssembly}", "calls");
    }

    private void OpenNode(OpenNodeSession request)
    {
        var span = StartSpan(request.SessionId, SessionKind.ShippedNode, TransportNames.Of(request.Transport), request.Trace);
        span?.SetTag(MediaTracing.EntryAssemblyTag, request.EntryAssembly);
        if (!AdmitRate(request.SessionId, span))
        {
            return;
        }

        if (_sessions.ContainsKey(request.SessionId))
        {
            Duplicate(span);
            return;
        }

        if (!AdmitCode(request.SessionId, request.EntryAssembly, request.Entries, request.Signature, span)
            || !Admit(request.SessionId, span)
            || FindTransport(request.SessionId, request.Transport, span) is not { } transport)
        {
            return;
        }

        var code = _code;
        var workers = _workers;
        var window = _settings.LinkWindow;
        StartSession(request.SessionId, metrics => workers is null
                ? Akka.Actor.Props.Create(() => new ShippedNodeSessionActor(request, code, transport, metrics, span))
                : Akka.Actor.Props.Create(() => new WorkerNodeSessionActor(request, code, workers, transport, window, metrics, span)),
            request.Client, SessionKind.ShippedNode, request.EntryAssembly, $"node of {request.EntryAssembly}", transport.Name);
    }

    /// <summary>Opens a remote stage's session; <paramref name="rateAdmitted"/>: the request already took its token of the client's rate (a member of a batch).</summary>
    private void Open(OpenSession request, bool rateAdmitted)
    {
        var span = StartSpan(request.SessionId, SessionKind.Node, TransportNames.Of(request.Transport), request.Trace);
        span?.SetTag(MediaTracing.NodeTypeTag, request.NodeType);
        if ((!rateAdmitted && !AdmitRate(request.SessionId, span)) || !Admit(request.SessionId, span))
        {
            return;
        }

        if (!_registry.TryGet(request.NodeType, out var descriptor))
        {
            Refuse(request.SessionId, RefusalReason.UnknownNodeType, $"Unknown node type '{request.NodeType}'. Known types: {_registry.KnownTypes}.", span);
            return;
        }

        if (!_flows.TryGetValue((descriptor, request.Settings), out var blueprint))
        {
            Func<object> factory;
            try
            {
                var settings = HoconText.Parse(request.Settings, $"settings of node type '{descriptor.TypeName}'");
                factory = descriptor.Bind(settings);
            }
            catch (Exception e)
            {
                var message = e is FormatException ? e.Message : $"Bad settings for node type '{descriptor.TypeName}': {e.Message}";
                Refuse(request.SessionId, RefusalReason.BadSettings, message, span);
                return;
            }

            // A blueprint makes new nodes for each materialization, so sessions with the same type and settings share
            // it: parsing the settings and building the flow are then paid once, not on every open.
            if (_flows.Count >= MaxCachedFlows)
            {
                _flows.Clear();
            }

            blueprint = (factory, descriptor.CreateUntypedFlow(factory));
            _flows.Add((descriptor, request.Settings), blueprint);
        }

        var flow = blueprint.Flow;
        if (request.Checkpoints is { } checkpoints)
        {
            // A session with failover runs its node behind a checkpointing adapter; the node factory is the blueprint's.
            if (descriptor.CreateCheckpointedFlow(blueprint.Factory, checkpoints) is not { } checkpointed)
            {
                Refuse(request.SessionId, RefusalReason.BadSettings,
                    $"Node type '{descriptor.TypeName}' cannot fail over: it is built as a whole flow, not from one node whose state can be checkpointed. Run it without failover.", span);
                return;
            }

            flow = checkpointed;
        }

        if (_sessions.ContainsKey(request.SessionId))
        {
            Duplicate(span);
            return;
        }

        if (FindTransport(request.SessionId, request.Transport, span) is not { } transport)
        {
            return;
        }

        var answerTo = _batch;
        var session = StartSession(request.SessionId, metrics => Akka.Actor.Props.Create(() => new SessionActor(request, flow, transport, metrics, span, answerTo)),
            request.Client, SessionKind.Node, descriptor.TypeName, descriptor.TypeName, transport.Name);
        answerTo?.Tell(new OpenBatchActor.Track(request.SessionId, session));
    }

    /// <summary>The transport the request names, or null after refusing it when this executor does not offer it.</summary>
    private ISessionTransport? FindTransport(string sessionId, RemoteTransport kind, Activity? span)
    {
        var transport = _transports.Find(kind, Status().Address, out var refusal);
        if (transport is null)
        {
            Refuse(sessionId, RefusalReason.TransportUnavailable, refusal!, span);
        }

        return transport;
    }

    private sealed record DrainTimedOut(TimeSpan Timeout)
    {
        public const string Key = "drain";
    }

    private sealed class DrainAbandoned
    {
        public static readonly DrainAbandoned Instance = new();
    }

    private sealed class LogRateRefusals
    {
        public static readonly LogRateRefusals Instance = new();
    }

    /// <summary>A session as the executor tracks it; the frame counters of <paramref name="Metrics"/> are null for object sessions (no stream).</summary>
    private sealed record RunningSession(IActorRef Actor, string SessionId, IActorRef Client, string Kind, string Transport, SessionMetrics Metrics, DateTimeOffset Started);
}
