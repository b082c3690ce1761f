using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Link;
using AkkaMedia.Remote.Transport;

namespace AkkaMedia.Remote;

/// <summary>
/// The client half of one materialized remote stage: places the session on an executor (trying the
/// next when one is at capacity), connects the stage's data path (<see cref="IRemoteDataPath"/>, whatever the transport),
/// watches the session and fails the stage when its executor's node is gone, and closes the session
/// when the stream ends. Owns the stage's <see cref="MediaTracing.RemoteStageOpen"/> span: sends its trace context
/// with every request, records refusals as events, and ends it when the data path is open or the stage failed.
/// </summary>
/// <remarks>
/// Created under the user guardian, which restarts what throws: a restarted stage actor fails its stage and stops
/// (<see cref="PostRestart"/>), so a session is never placed twice.
/// </remarks>
internal sealed class RemoteStageActor : ReceiveActor
{
    private readonly string _sessionId;
    private readonly RemoteStageTarget _target;
    private readonly string _nodeType;
    private readonly RemoteStageSettings _settings;
    private readonly Queue<string> _candidates = new();
    private readonly List<string> _refusals = [];
    private readonly TraceContext _trace;
    private IRemoteDataPath? _path;
    private string? _executor;
    private string? _reserved;
    private IActorRef? _session;
    private ICancelable? _attemptTimeout;
    private ICancelable? _connectTimeout;
    private ICancelable? _sessionGone;
    private bool _open;
    private Activity? _span;
    private int _attempts;

    /// <summary>Waits for the stage's <see cref="DataPathReady"/> (or <see cref="StreamEnded"/>) before it places the session.</summary>
    public RemoteStageActor(string sessionId, RemoteStageTarget target, RemoteStageSettings settings, Tracing trace)
    {
        _span = trace.Span;
        _trace = TraceContext.Of(trace.Span, trace.Caller);
        _sessionId = sessionId;
        _target = target;
        _nodeType = target.Name;
        _settings = settings;
        Placing();
    }

    /// <summary>
    /// The stage's <see cref="MediaTracing.RemoteStageOpen"/> span (null when nobody listens), which the actor ends, and
    /// the trace of the code that materialized the stage, sent to executors when there is no span.
    /// </summary>
    public readonly record struct Tracing(Activity? Span, ActivityContext Caller);

    /// <summary>The stage's stream stopped (<paramref name="Error"/> says why when it failed): close the session or stop placing it.</summary>
    public sealed record StreamEnded(Exception? Error);

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

    /// <summary>Executors to try in order; <paramref name="Reserved"/>: the directory already counts this session on the first.</summary>
    private sealed record Candidates(IReadOnlyList<ExecutorInfo> Items, bool Reserved = false);

    private sealed record AttemptTimedOut(string Executor);

    private sealed record OpenPrepared(string Executor, object Request);

    private sealed record OpenNotPrepared(string Executor, Exception Error);

    private void Placing()
    {
        Receive<DataPathReady>(ready =>
        {
            _path = ready.Path;
            FindExecutors();
        });
        Receive<DataPathFailed>(failed => Fail(failed.Error));
        Receive<Candidates>(found =>
        {
            if (found.Items.Count == 0)
            {
                Fail(new RemoteStageException(
                    $"No node with role '{_settings.ExecutorRole}' answered within {_settings.OpenTimeout.TotalSeconds:0.#} s, so remote stage '{_nodeType}' cannot start. " +
                    "Start an executor (akkamedia node --roles executor) and check that this process joins its cluster (seeds)."));
                return;
            }

            _reserved = found.Reserved ? found.Items[0].Address : null;
            foreach (var candidate in found.Items)
            {
                _candidates.Enqueue(candidate.Address);
            }

            TryNext();
        });
        Receive<SessionOpened>(opened =>
        {
            _attemptTimeout?.Cancel();
            _session = opened.Session;
            Context.Watch(_session);
            if (_span is not null)
            {
                _span.SetTag(MediaTracing.ExecutorTag, _executor);
                _span.SetTag(MediaTracing.AttemptsTag, _attempts);
            }

            if (_executor != _reserved)
            {
                ExecutorDirectory.Get(Context.System).SessionPlaced(_executor!);
            }

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
        Receive<SessionRefused>(refused =>
        {
            _attemptTimeout?.Cancel();
            _span?.AddEvent(new ActivityEvent("akkamedia.refused", tags: new ActivityTagsCollection
            {
                [MediaTracing.ExecutorTag] = _executor,
                [MediaTracing.RefusalTag] = refused.Reason.ToString(),
            }));
            if (refused.Reason is RefusalReason.AtCapacity or RefusalReason.ShuttingDown)
            {
                _refusals.Add($"{_executor}: {refused.Message}");
                TryNext();
                return;
            }

            Fail(new RemoteStageException(refused.Message, _executor));
        });
        Receive<OpenPrepared>(prepared =>
        {
            if (prepared.Executor == _executor)
            {
                Context.ActorSelection(prepared.Executor + ExecutorDirectoryActor.ExecutorPath).Tell(prepared.Request, Self);
                _attemptTimeout = Context.System.Scheduler.ScheduleTellOnceCancelable(_settings.OpenTimeout, Self, new AttemptTimedOut(prepared.Executor), Self);
            }
        });
        Receive<OpenNotPrepared>(failed =>
        {
            if (failed.Executor != _executor)
            {
                return;
            }

            if (failed.Error is ActorNotFoundException or AskTimeoutException)
            {
                _refusals.Add($"{_executor}: no executor answered");
                TryNext();
                return;
            }

            Fail(failed.Error as RemoteStageException ?? new RemoteStageException(
                $"Remote stage '{_nodeType}' could not be prepared on executor {_executor}: {failed.Error.Message}", _executor, failed.Error));
        });
        Receive<AttemptTimedOut>(timedOut =>
        {
            if (timedOut.Executor == _executor)
            {
                _refusals.Add($"{_executor}: no answer within {_settings.OpenTimeout.TotalSeconds:0.#} s");
                TryNext();
            }
        });
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
        Receive<Status.Failure>(failure => Fail(failure.Cause as RemoteStageException
            ?? new RemoteStageException($"Remote stage '{_nodeType}' lost its executor {_executor}: {failure.Cause.Message}", _executor, failure.Cause)));
        Receive<Terminated>(terminated =>
        {
            if (terminated.AddressTerminated)
            {
                Abort(new RemoteStageException(
                    $"Executor {_executor} running remote stage '{_nodeType}' is unreachable (its node left or died).", _executor));
            }
            else if (terminated.ActorRef.Equals(_session))
            {
                // The session's own end (complete or failure) travels on the data path and normally ends the stage
                // first; if it has not come within the grace period, it never will.
                _sessionGone = Context.System.Scheduler.ScheduleTellOnceCancelable(_settings.OpenTimeout, Self, SessionGone.Instance, Self);
            }
        });
        Receive<StreamEnded>(_ =>
        {
            _session?.Tell(new CloseSession(_sessionId));
            Context.Stop(Self);
        });
    }

    private void FindExecutors()
    {
        if (_settings.Executor is not null)
        {
            Self.Tell(new Candidates([new ExecutorInfo(_settings.Executor, _settings.ExecutorRole, 0, 0)]));
            return;
        }

        ExecutorDirectory.Get(Context.System)
            .ReserveAsync(_settings.ExecutorRole, _settings.OpenTimeout)
            .PipeTo(Self, success: items => new Candidates(items, Reserved: true), failure: e => new Status.Failure(e));
    }

    private void TryNext()
    {
        if (!_candidates.TryDequeue(out var next))
        {
            Fail(new RemoteStageException(
                $"Every executor refused remote stage '{_nodeType}': {string.Join("; ", _refusals.Select(r => r.TrimEnd('.')))}. Add executors or raise akka-media.executor.max-sessions.",
                _executor));
            return;
        }

        _executor = next;
        _attempts++;

        // Inside the span, so that what preparing does (uploading shipped code) is traced as its child.
        using (MediaTracing.Enter(_span))
        {
            _target.PrepareOpenAsync(Context.System, next, _sessionId, _path!.Transport, _path.Input, Self, _settings.OpenTimeout, _trace)
                .PipeTo(Self, success: request => new OpenPrepared(next, request), failure: e => new OpenNotPrepared(next, e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e));
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
        Abort(error);
        _session?.Tell(new CloseSession(_sessionId));
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _attemptTimeout?.Cancel();
        _connectTimeout?.Cancel();
        _sessionGone?.Cancel();
        EndSpan();
        _path?.Stopped(_executor);
    }

    /// <summary>A restart would place the session a second time: the failure that caused it fails the stage instead.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        Abort(reason as RemoteStageException ?? new RemoteStageException($"Remote stage '{_nodeType}' failed on its client: {reason.Message}", _executor, reason));
        _session?.Tell(new CloseSession(_sessionId));
        base.PreRestart(reason, message);
    }

    /// <summary>The restarted instance stops at once (<see cref="PreRestart"/> has failed the stage).</summary>
    protected override void PostRestart(Exception reason) => Context.Stop(Self);
}
