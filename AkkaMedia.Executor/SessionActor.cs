using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Link;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Link;

namespace AkkaMedia.Executor;

/// <summary>
/// Runs one remote stage: the client's elements → node → back to the client, over StreamRefs or a
/// channel of the media link. Stops when the stream ends, when the client closes the session, when
/// the client goes silent for the idle timeout, or when the client's actor is terminated; the node is
/// cleaned up in every case. An operator's <see cref="ExecutorActor.KillSession"/> fails the stream with a message saying so.
/// Counts the elements entering and leaving the node, with their payload bytes, in its <see cref="SessionMetrics"/>, and
/// counts a failed stream as one error: of the node (or user code, for a shipped node) when the failure came out of the
/// node, otherwise lost client, operator kill or failed start.
/// Logs its start and end (info), and why it failed (warning), with the session id as property <c>SessionId</c>.
/// Ends the request's <c>akkamedia.session.start</c> span when it answers <see cref="SessionOpened"/> (or fails first);
/// the session's stream is materialized inside that span, so spans its nodes start (voice turns) join the client's trace.
/// </summary>
internal sealed class SessionActor : ReceiveActor, IWithTimers
{
    private readonly OpenSession _request;
    private readonly Flow<object, object, NotUsed> _node;
    private readonly ExecutorSettings _settings;
    private readonly LinkServer? _linkServer;
    private readonly SharedKillSwitch _killSwitch;
    private readonly ILoggingAdapter _log;
    private readonly SessionMetrics _metrics;
    private readonly FailureOrigin _origin = new();
    private string? _stopKind;
    private Activity? _span;

    public SessionActor(OpenSession request, Flow<object, object, NotUsed> node, ExecutorSettings settings, LinkServer? linkServer, SessionMetrics metrics, Activity? span)
    {
        _request = request;
        _span = span;
        _log = SessionLog.For(Context, request.SessionId);
        _metrics = metrics;
        var counters = metrics.Counters!;
        var origin = _origin;
        _node = Flow.Create<object>()
            .SelectError(e =>
            {
                origin.Input = true;
                return e;
            })
            .Select(e =>
            {
                counters.CountIn(e);
                return e;
            })
            .Via(node)
            .SelectError(e =>
            {
                origin.Node = !origin.Input;
                return e;
            })
            .Select(e =>
            {
                counters.CountOut(e);
                return e;
            });
        _settings = settings;
        _linkServer = linkServer;
        _killSwitch = KillSwitches.Shared("session-" + request.SessionId);

        Receive<ISourceRef<object>>(output =>
        {
            _request.Client.Tell(new SessionOpened(_request.SessionId, output, Self));
            EndSpan();
        });
        Receive<LinkExpected>(_ =>
        {
            _request.Client.Tell(new SessionOpened(_request.SessionId, null, Self, _linkServer!.Endpoint));
            EndSpan();
        });
        Receive<StreamDone>(done =>
        {
            if (done.Failure is { } failure)
            {
                _span.Fail(failure.GetBaseException());
                _log.Warning("Session of {NodeType} failed: {Reason}", _request.NodeType, failure.GetBaseException().Message);
                _metrics.Error(_stopKind ?? (_origin.Node
                    ? _metrics.IsShipped ? ExecutorErrorKind.UserCode : ExecutorErrorKind.NodeFailure
                    : ExecutorErrorKind.SessionLost));
            }
            else
            {
                _log.Info("Session of {NodeType} ended", _request.NodeType);
            }

            Context.Stop(Self);
        });
        Receive<CloseSession>(_ =>
        {
            _log.Debug("The client closed the session");
            _killSwitch.Shutdown();
        });
        Receive<ExecutorActor.KillSession>(kill =>
        {
            _stopKind ??= ExecutorErrorKind.Killed;
            _killSwitch.Abort(new InvalidOperationException(
                $"Session {_request.SessionId} ({_request.NodeType}) was killed by an operator{(string.IsNullOrWhiteSpace(kill.Reason) ? "." : $": {kill.Reason}")}"));
        });
        Receive<AbortSession>(abort =>
        {
            _stopKind ??= ExecutorErrorKind.DrainTimeout;
            _killSwitch.Abort(new InvalidOperationException(abort.Message));
        });
        Receive<BindTimeout>(_ =>
        {
            if (_linkServer!.IsWaiting(_request.SessionId))
            {
                _stopKind ??= ExecutorErrorKind.SessionLost;
                _killSwitch.Abort(new TimeoutException($"The client of session {_request.SessionId} did not connect its media link within {_settings.SubscriptionTimeout.TotalSeconds:0.#} s."));
            }
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_request.Client))
            {
                _log.Warning("Client {Client} is gone; the session stops", _request.Client.Path);
                _metrics.Error(_stopKind ??= ExecutorErrorKind.SessionLost);
                _killSwitch.Abort(new InvalidOperationException($"Client {_request.Client.Path} of session {_request.SessionId} is gone."));
                Context.Stop(Self);
            }
        });
        Receive<Status.Failure>(f =>
        {
            _log.Warning("Session of {NodeType} could not start: {Reason}", _request.NodeType, f.Cause.Message);
            _span.Fail(f.Cause);
            _metrics.Error(_stopKind ??= ExecutorErrorKind.StartFailed);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.Watch(_request.Client);
        _log.Info("Session of {NodeType} started over {Transport} for client {Client}", _request.NodeType, _request.Input is null ? "link" : "streamrefs", _request.Client.Path);
        using (MediaTracing.Enter(_span))
        {
            if (_request.Input is null)
            {
                RunOverLink();
            }
            else
            {
                RunOverStreamRefs(_request.Input);
            }
        }
    }

    protected override void PostStop()
    {
        EndSpan();
        _linkServer?.Retire(_request.SessionId);
        _killSwitch.Abort(new InvalidOperationException($"Session {_request.SessionId} stopped."));
    }

    private void RunOverLink()
    {
        var server = _linkServer!;
        var sessionId = _request.SessionId;
        var self = Self;

        // The client opens its channel as soon as it hears SessionOpened, so the session must be
        // registered with the link server first: that happens when the stage starts, after Run returns.
        var link = new LinkChannelStage(
            control =>
            {
                server.Expect(sessionId, control);
                self.Tell(LinkExpected.Instance);
            },
            _settings.LinkWindow,
            isClient: false,
            "session-" + sessionId);
        var done = Flow.FromGraph(link)
            .JoinMaterialized(
                Flow.Create<object>().Via(_killSwitch.Flow<object>()).Via(_node).WatchTermination(Keep.Right),
                Keep.Right)
            .Run(Context.System.Materializer());
        NotifyWhenDone(done);
        Timers.StartSingleTimer(BindTimeout.Instance, BindTimeout.Instance, _settings.SubscriptionTimeout);
    }

    private void RunOverStreamRefs(ISourceRef<object> input)
    {
        var idle = _settings.IdleTimeout;
        var sessionId = _request.SessionId;
        var (done, output) = input.Source
            .Via(_killSwitch.Flow<object>())
            .IdleTimeout(idle)
            .SelectError(e => e is TimeoutException
                ? new TimeoutException($"Client of session {sessionId} sent nothing for {idle.TotalSeconds:0.#} s; the session is stopped.", e)
                : e)
            .Where(static e => e is not StreamHeartbeat)
            .Via(_node)
            .KeepAlive(_settings.HeartbeatInterval, static () => (object)StreamHeartbeat.Instance)
            .WatchTermination(Keep.Right)
            .ToMaterialized(
                StreamRefs.SourceRef<object>().WithAttributes(StreamRefAttributes.CreateSubscriptionTimeout(_settings.SubscriptionTimeout)),
                Keep.Both)
            .Run(Context.System.Materializer());
        output.PipeTo(Self, failure: e => new Status.Failure(e));
        NotifyWhenDone(done);
    }

    private void EndSpan()
    {
        _span?.Stop();
        _span = null;
    }

    private void NotifyWhenDone(Task done)
    {
        var self = Self;
        done.ContinueWith(t => self.Tell(new StreamDone(t.Exception)), TaskScheduler.Default);
    }

    /// <summary>The session's stream ended; <paramref name="Failure"/> says why when it failed.</summary>
    private sealed record StreamDone(Exception? Failure);

    /// <summary>Where a stream failure was first seen: entering the node (from the client, the kill switch) or leaving it.</summary>
    private sealed class FailureOrigin
    {
        private volatile bool _input;
        private volatile bool _node;

        public bool Input
        {
            get => _input;
            set => _input = value;
        }

        public bool Node
        {
            get => _node;
            set => _node = value;
        }
    }

    private sealed class LinkExpected
    {
        public static readonly LinkExpected Instance = new();
    }

    private sealed class BindTimeout
    {
        public static readonly BindTimeout Instance = new();
    }
}
