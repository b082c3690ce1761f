using Akka.Actor;
using Akka.Event;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Deployment;
using AkkaMedia.Executor.Link;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor;

/// <summary>
/// The executor of a node (one per actor system, at <c>/user/akka-media-executor</c>): accepts or
/// refuses <see cref="OpenSession"/> requests, runs each accepted one in a <c>SessionActor</c> child,
/// and reports its load to <see cref="GetExecutorStatus"/>. Code uploads addressed to it go to its package store
/// (child <c>packages</c>). Operators (the host's admin commands, in the same actor system) list its sessions with
/// <see cref="ListSessions"/>, its cached packages with <see cref="ListPackages"/>, and stop a session with
/// <see cref="KillSession"/>; these three are local messages with no wire format.
/// </summary>
public sealed class ExecutorActor : ReceiveActor
{
    /// <summary>The name under <c>/user</c> that clients address.</summary>
    public const string Name = "akka-media-executor";

    private readonly ExecutorSettings _settings;
    private readonly NodeRegistry _registry;
    private readonly LinkServer? _linkServer;
    private readonly PackageStore _packages;
    private readonly SandboxPolicy _sandbox;
    private readonly IActorRef _packageStore;
    private readonly Dictionary<string, RunningSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _accepting = true;

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public ExecutorActor(ExecutorSettings settings, NodeRegistry registry, PackageStore packages, SandboxPolicy sandbox)
    {
        _settings = settings;
        _registry = registry;
        _packages = packages;
        _sandbox = sandbox;
        _linkServer = settings.LinkEnabled ? LinkServer.Start((ExtendedActorSystem)Context.System, settings) : null;
        _packageStore = Context.ActorOf(PackageStoreActor.Props(packages, PackageStoreSettings.Create(Context.System.Settings.Config).UploadIdleTimeout), PackageStoreActor.Name);

        Receive<OpenSession>(Open);
        Receive<CloseSession>(close =>
        {
            if (_sessions.TryGetValue(close.SessionId, out var session))
            {
                session.Actor.Forward(close);
            }
        });
        Receive<ListSessions>(_ => Sender.Tell(_sessions.Values
            .Select(s => new SessionSummary(s.Request.SessionId, s.Request.Client.Path.ToString(), s.Request.NodeType,
                s.Request.Input is null ? "link" : "streamrefs", s.Counters.FramesIn, s.Counters.FramesOut, s.Started))
            .OrderBy(s => s.Started)
            .ToList()));
        Receive<ListPackages>(_ => Sender.Tell(_packages.List()));
        Receive<KillSession>(kill =>
        {
            var found = _sessions.TryGetValue(kill.SessionId, out var session);
            if (found)
            {
                _log.Warning("Session {0} ({1}) killed by an operator", kill.SessionId, session!.Request.NodeType);
                session.Actor.Tell(kill);
            }

            Sender.Tell(found);
        });
        Receive<GetExecutorStatus>(_ => Sender.Tell(Status()));
        Receive<IPackageStoreRequest>(request => _packageStore.Forward(request));
        Receive<StopAccepting>(_ => _accepting = false);
        Receive<Terminated>(t =>
        {
            var id = t.ActorRef.Path.Name;
            if (_sessions.Remove(id))
            {
                _log.Debug("Session {0} ended; {1} active", id, _sessions.Count);
            }
        });
    }

    /// <summary>
    /// Props for the executor of a node, whose shipped code is cached in <paramref name="packages"/> (owned by the caller)
    /// and checked against <paramref name="sandbox"/> before it loads.
    /// </summary>
    public static Props Props(ExecutorSettings settings, NodeRegistry registry, PackageStore packages, SandboxPolicy sandbox) =>
        Akka.Actor.Props.Create(() => new ExecutorActor(settings, registry, packages, sandbox));

    /// <summary>Tells the executor to refuse new sessions (node draining); running sessions continue.</summary>
    public sealed class StopAccepting
    {
        /// <summary>The single instance.</summary>
        public static readonly StopAccepting Instance = new();

        private StopAccepting()
        {
        }
    }

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
    /// Stops session <paramref name="SessionId"/> now: its stream fails on both ends with a message saying an
    /// operator killed it, followed by <paramref name="Reason"/>. Answered with <c>true</c>, or <c>false</c> when no such
    /// session runs. Local only.
    /// </summary>
    public sealed record KillSession(string SessionId, string Reason);

    /// <inheritdoc />
    protected override void PostStop() => _linkServer?.Dispose();

    private ExecutorStatus Status() =>
        new(((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(), _sessions.Count, _settings.MaxSessions, _accepting);

    private void Open(OpenSession request)
    {
        if (!_accepting)
        {
            Sender.Tell(new SessionRefused(request.SessionId, RefusalReason.ShuttingDown, $"Executor {Status().Address} is leaving the cluster."));
            return;
        }

        if (_sessions.Count >= _settings.MaxSessions)
        {
            Sender.Tell(new SessionRefused(request.SessionId, RefusalReason.AtCapacity,
                $"Executor {Status().Address} is at capacity ({_settings.MaxSessions} sessions)."));
            return;
        }

        if (!_registry.TryGet(request.NodeType, out var descriptor))
        {
            Sender.Tell(new SessionRefused(request.SessionId, RefusalReason.UnknownNodeType,
                $"Unknown node type '{request.NodeType}'. Known types: {_registry.KnownTypes}."));
            return;
        }

        Func<object> factory;
        try
        {
            var settings = HoconText.Parse(request.Settings, $"settings of node type '{descriptor.TypeName}'");
            factory = descriptor.Bind(settings);
        }
        catch (Exception e)
        {
            var message = e is FormatException ? e.Message : $"Bad settings for node type '{descriptor.TypeName}': {e.Message}";
            Sender.Tell(new SessionRefused(request.SessionId, RefusalReason.BadSettings, message));
            return;
        }

        if (_sessions.ContainsKey(request.SessionId))
        {
            return;
        }

        if (request.Input is null && _linkServer is null)
        {
            Sender.Tell(new SessionRefused(request.SessionId, RefusalReason.TransportUnavailable,
                $"Executor {Status().Address} has its media link turned off (akka-media.executor.link.enabled); use the StreamRefs transport."));
            return;
        }

        var counters = new SessionCounters();
        var session = Context.ActorOf(
            Akka.Actor.Props.Create(() => new SessionActor(request, descriptor.CreateUntypedFlow(factory), _settings, _linkServer, counters)),
            request.SessionId);
        Context.Watch(session);
        _sessions.Add(request.SessionId, new RunningSession(session, request, counters, DateTimeOffset.UtcNow));
    }

    private sealed record RunningSession(IActorRef Actor, OpenSession Request, SessionCounters Counters, DateTimeOffset Started);
}
