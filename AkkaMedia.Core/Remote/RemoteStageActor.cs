using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Placement;
using AkkaMedia.Remote.Transport;

namespace AkkaMedia.Remote;

/// <summary>
/// The client half of one materialized remote stage: places the session on an executor (<see cref="ExecutorPlacement"/>:
/// trying the next when one is at capacity), connects the stage's data path (<see cref="IRemoteDataPath"/>, whatever the
/// transport), watches the session and fails the stage when its executor's node is gone, and closes the session when the
/// stream ends. Owns the stage's <see cref="MediaTracing.RemoteStageOpen"/> span: sends its trace context with every
/// request, records refusals as events, and ends it when the data path is open or the stage failed.
/// </summary>
/// <remarks>
/// <para>With failover (<see cref="RemoteStageSettings.Checkpoints"/>), losing the executor does not fail the stage: the
/// stage reports <see cref="FailingOver"/>, and the actor places a new session, with a new id, on another executor (never
/// one it has lost), asking it to checkpoint; the stage then resumes there. With no executor left, or with the stage
/// pinned to one executor, it fails naming the loss and why no other could take over.</para>
/// <para>Created under the user guardian, which restarts what throws: a restarted stage actor fails its stage and stops
/// (<see cref="PostRestart"/>), so a session is never placed twice.</para>
/// </remarks>
internal sealed class RemoteStageActor : ReceiveActor
{
    private readonly RemoteStageTarget _target;
    private readonly string _nodeType;
    private readonly RemoteStageSettings _settings;
    private readonly TraceContext _trace;
    private readonly HashSet<string> _lost = [];
    private string _sessionId;
    private ExecutorPlacement _placement;
    private Exception? _failingOver;
    private IRemoteDataPath? _path;
    private string? _executor;
    private IActorRef? _session;
    private ICancelable? _connectTimeout;
    private ICancelable? _sessionGone;
    private bool _open;
    private Activity? _span;

    /// <summary>Waits for the stage's <see cref="DataPathReady"/> (or <see cref="StreamEnded"/>) before it places the session.</summary>
    public RemoteStageActor(string sessionId, RemoteStageTarget target, RemoteStageSettings settings, Tracing trace)
    {
        _span = trace.Span;
        _trace = TraceContext.Of(trace.Span, trace.Caller);
        _sessionId = sessionId;
        _target = target;
        _nodeType = target.Name;
        _settings = settings;
        _placement = NewPlacement(trace.Span);
        Become(Placing);
    }

    /// <summary>
    /// The stage's <see cref="MediaTracing.RemoteStageOpen"/> span (null when nobody listens), which the actor ends, and
    /// the trace of the code that materialized the stage, sent to executors when there is no span.
    /// </summary>
    public readonly record struct Tracing(Activity? Span, ActivityContext Caller);

    /// <summary>The stage's stream stopped (<paramref name="Error"/> says why when it failed): close the session or stop placing it.</summary>
    public sealed record StreamEnded(Exception? Error);

    /// <summary>The stage (with failover) lost its executor (<paramref name="Cause"/> says how) and waits to be opened on another.</summary>
    public sealed record FailingOver(Exception Cause);

    /// <summary>The data path has not opened within its connect timeout.</summary>
    private sealed class ConnectTimedOut
    {
        public static readonly ConnectTimedOut Instance = new();
    }

    /// <summary>The session's actor stopped this long ago and the stage has still not ended.</summary>
    private sealed class SessionGone
    {
        public static readonly SessionGone Instance = new();
    }

    private sealed record OpenPrepared(string Executor, object Request);

    private sealed record OpenNotPrepared(string Executor, Exception Error);

    private void Placing()
    {
        Receive<DataPathReady>(ready =>
        {
            _path = ready.Path;
            _placement.FindCandidates();
        });
        Receive<DataPathFailed>(failed => Fail(failed.Error));
        Receive<ExecutorPlacement.Candidates>(found => Follow(_placement.Start(found)));
        Receive<SessionOpened>(opened =>
        {
            if (opened.SessionId != _sessionId)
            {
                // The answer for a session given up when the stage failed over: it stops when its client leaves it.
                Sender.Tell(new CloseSession(opened.SessionId));
                return;
            }

            _placement.Placed();
            _failingOver = null;
            _session = opened.Session;
            Context.Watch(_session);
            Become(Running);
            if (_path!.Connect(opened, _executor!, Self))
            {
                Opened();
            }
            else
            {
                _connectTimeout = Context.System.Scheduler.ScheduleTellOnceCancelable(_path.ConnectTimeout, Self, ConnectTimedOut.Instance, Self);
            }
        });
        Receive<SessionRefused>(refused => Follow(_placement.Refused(refused)));
        Receive<OpenPrepared>(prepared =>
        {
            if (_placement.IsCurrent(prepared.Executor))
            {
                if (prepared.Request is OpenSession open)
                {
                    if (_settings.Checkpoints is { } checkpoints)
                    {
                        open = open with { Checkpoints = checkpoints };
                    }

                    // Requests to one executor made at about the same moment travel in one message (answers likewise).
                    SessionOpenBatcher.For(Context.System, prepared.Executor).Tell(open, Self);
                }
                else
                {
                    var request = prepared.Request is OpenNodeSession node && _settings.Checkpoints is { } nodeCheckpoints
                        ? node with { Checkpoints = nodeCheckpoints }
                        : prepared.Request;
                    Context.ActorSelection(prepared.Executor + ExecutorDirectoryActor.ExecutorPath).Tell(request, Self);
                }

                _placement.AwaitAnswer(_settings.OpenTimeout);
            }
        });
        Receive<OpenNotPrepared>(failed => Follow(_placement.NotPrepared(failed.Executor, failed.Error)));
        Receive<ExecutorPlacement.AttemptTimedOut>(timedOut => Follow(_placement.TimedOut(timedOut)));
        Receive<Status.Failure>(failure => Fail(failure.Cause as RemoteStageException
            ?? new RemoteStageException($"Remote stage '{_nodeType}' could not be placed: {failure.Cause.Message}", _executor, failure.Cause)));
        Receive<StreamEnded>(_ =>
        {
            _span?.SetTag(MediaTracing.OutcomeTag, "stream_ended");
            Context.Stop(Self);
        });
    }

    private void Running()
    {
        Receive<DataPathOpen>(_ => Opened());
        Receive<ConnectTimedOut>(_ =>
        {
            if (!_open)
            {
                Fail(_path!.NotConnected(_executor!));
            }
        });
        Receive<DataPathFailed>(failed => Fail(failed.Error));
        Receive<SessionGone>(_ =>
        {
            // A stage that heard its peer's end is only draining to a slow downstream: it ends by itself.
            if (!_path!.PeerEnded)
            {
                Fail(new RemoteStageException(
                    $"Session {_sessionId} of remote stage '{_nodeType}' on executor {_executor} ended, but its {(_path.Transport == RemoteTransport.MediaLink ? "media link channel" : "results stream")} carried no end within {_settings.OpenTimeout.TotalSeconds:0.#} s.",
                    _executor));
            }
        });
        Receive<FailingOver>(failing => FailOver(failing.Cause));
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(_session))
            {
                return;
            }

            if (terminated.AddressTerminated)
            {
                var error = new RemoteStageException(
                    $"Executor {_executor} running remote stage '{_nodeType}' is unreachable (its node left or died).", _executor);
                if (_settings.Checkpoints is null)
                {
                    Abort(error);
                }
                else
                {
                    // The stage decides: it fails over, unless its session had already ended.
                    _path!.ExecutorLost(error);
                }
            }
            else
            {
                // The session's own end (complete or failure) travels on the data path and normally ends the stage
                // first; if it has not come within the grace period, it never will.
                _sessionGone = Context.System.Scheduler.ScheduleTellOnceCancelable(_settings.OpenTimeout, Self, SessionGone.Instance, Self);
            }
        });
        Receive<StreamEnded>(ended =>
        {
            _session?.Tell(new CloseSession(_sessionId, StreamFailed: ended.Error is not null));
            Context.Stop(Self);
        });
    }

    /// <summary>
    /// The stage lost its executor: leave the session there and place a new one on another executor (not one lost
    /// before), from which the stage resumes; fail when the stage is pinned to its executor.
    /// </summary>
    private void FailOver(Exception cause)
    {
        var lost = _executor!;
        _lost.Add(lost);
        if (_session is not null)
        {
            Context.Unwatch(_session);
            _session.Tell(new CloseSession(_sessionId));
            _session = null;
        }

        _connectTimeout?.Cancel();
        _sessionGone?.Cancel();
        _open = false;
        _failingOver = cause;
        if (_settings.Executor is not null)
        {
            Fail(new RemoteStageException($"{cause.Message} The stage has failover, but it is pinned to that executor, so no other can take it over.", lost, cause));
            return;
        }

        Context.GetLogger().Warning("Remote stage '{0}' lost executor {1} ({2}); moving its session to another executor", _nodeType, lost, cause.Message);
        _placement.Cancel();
        _sessionId = RemoteNode.NewSessionId();
        _placement = NewPlacement(null);
        Become(Placing);
        _placement.FindCandidates();
    }

    private ExecutorPlacement NewPlacement(Activity? span) =>
        new(Context.System, Self, $"remote stage '{_nodeType}'", _settings.ExecutorRole, _settings.OpenTimeout, _settings.Executor, span,
            static (message, executor) => new RemoteStageException(message, executor), _lost.Count == 0 ? null : _lost);

    /// <summary>Does what the placement decided: prepare the next executor, or fail (an error of preparing is worded here).</summary>
    private void Follow(PlacementStep step) => step.Apply(TryExecutor, error => Fail(error as RemoteStageException ?? new RemoteStageException(
        $"Remote stage '{_nodeType}' could not be prepared on executor {_executor}: {error.Message}", _executor, error)));

    private void TryExecutor(string next)
    {
        _executor = next;

        // Inside the span, so that what preparing does (uploading shipped code) is traced as its child.
        using (MediaTracing.Enter(_span))
        {
            _target.PrepareOpenAsync(Context.System, next, _sessionId, _path!.Transport, _path.Input, Self, _settings.OpenTimeout, _trace)
                .PipeTo(Self, success: request => new OpenPrepared(next, request), failure: e => new OpenNotPrepared(next, e));
        }
    }

    /// <summary>The data path is open: elements flow.</summary>
    private void Opened()
    {
        _open = true;
        _connectTimeout?.Cancel();
        EndSpan();
    }

    private void EndSpan()
    {
        _span?.Stop();
        _span = null;
    }

    private void Abort(RemoteStageException error)
    {
        _span.Fail(error);
        EndSpan();
        _path?.Fail(error);
    }

    private void Fail(RemoteStageException error)
    {
        if (_failingOver is { } cause && !ReferenceEquals(error.InnerException, cause))
        {
            error = new RemoteStageException($"{cause.Message} No other executor could take the session over: {error.Message}", error.ExecutorAddress ?? _executor, error);
        }

        Abort(error);
        _session?.Tell(new CloseSession(_sessionId, StreamFailed: true));
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _placement.Cancel();
        _connectTimeout?.Cancel();
        _sessionGone?.Cancel();
        EndSpan();
        _path?.Stopped(_executor);
    }

    /// <summary>A restart would place the session a second time: the failure that caused it fails the stage instead.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        Abort(reason as RemoteStageException ?? new RemoteStageException($"Remote stage '{_nodeType}' failed on its client: {reason.Message}", _executor, reason));
        _session?.Tell(new CloseSession(_sessionId, StreamFailed: true));
        base.PreRestart(reason, message);
    }

    /// <summary>The restarted instance stops at once (<see cref="PreRestart"/> has failed the stage).</summary>
    protected override void PostRestart(Exception reason) => Context.Stop(Self);
}
