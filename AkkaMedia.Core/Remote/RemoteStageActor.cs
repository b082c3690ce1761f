using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Link;
using AkkaMedia.Remote.Placement;

namespace AkkaMedia.Remote;

/// <summary>
/// The client half of one materialized remote stage: places the session on an executor (trying the
/// next when one is at capacity), connects the stage's data path (StreamRefs or the media link),
/// watches the session and fails the stage when its executor's node is gone, and closes the session
/// when the stream ends. Owns the stage's <see cref="MediaTracing.RemoteStageOpen"/> span: sends its trace context
/// with every request, records refusals as events, and ends it when the session is open (StreamRefs: on
/// <see cref="SessionOpened"/>; media link: when the executor answers the channel) or failed.
/// </summary>
internal sealed class RemoteStageActor : ReceiveActor
{
    private readonly string _sessionId;
    private readonly RemoteStageTarget _target;
    private readonly string _nodeType;
    private readonly RemoteStageSettings _settings;
    private readonly SharedKillSwitch? _killSwitch;
    private readonly TaskCompletionSource<Source<object, NotUsed>>? _output;
    private readonly ExecutorPlacement _placement;
    private readonly TraceContext _trace;
    private ISourceRef<object>? _input;
    private ILinkStageControl? _link;
    private string? _executor;
    private IActorRef? _session;
    private ICancelable? _channelTimeout;
    private ICancelable? _sessionGone;
    private bool _channelAnswered;
    private Activity? _span;

    /// <summary>
    /// For the StreamRef transport: the return stream is handed out through <paramref name="output"/> and
    /// <paramref name="killSwitch"/> stops both directions. Both are null for the media link, whose stage
    /// fails through its <see cref="ILinkStageControl"/>.
    /// </summary>
    public RemoteStageActor(string sessionId, RemoteStageTarget target, RemoteStageSettings settings, SharedKillSwitch? killSwitch, TaskCompletionSource<Source<object, NotUsed>>? output, Tracing trace)
    {
        _span = trace.Span;
        _trace = TraceContext.Of(trace.Span, trace.Caller);
        _sessionId = sessionId;
        _target = target;
        _nodeType = target.Name;
        _settings = settings;
        _killSwitch = killSwitch;
        _output = output;
        _placement = new ExecutorPlacement(Context.System, Self, $"remote stage '{_nodeType}'", settings.ExecutorRole, settings.OpenTimeout, settings.Executor, trace.Span,
            static (message, executor) => new RemoteStageException(message, executor));
        Placing();
    }

    /// <summary>
    /// The stage's <see cref="MediaTracing.RemoteStageOpen"/> span (null when nobody listens), which the actor ends, and
    /// the trace of the code that materialized the stage, sent to executors when there is no span.
    /// </summary>
    public readonly record struct Tracing(Activity? Span, ActivityContext Caller);

    /// <summary>StreamRef transport: the stage's input is offered as <paramref name="Input"/>; start placing.</summary>
    public sealed record InputReady(ISourceRef<object> Input);

    /// <summary>Media link transport: the stage is ready to be bound through <paramref name="Control"/>; start placing.</summary>
    public sealed record LinkStageReady(ILinkStageControl Control);

    public sealed record StreamEnded(Exception? Error);

    /// <summary>Media link transport: the first credit arrived on the stage's channel, so the executor bound it.</summary>
    public sealed class ChannelAnswered
    {
        public static readonly ChannelAnswered Instance = new();

        private ChannelAnswered()
        {
        }
    }

    /// <summary>The executor has not answered the channel's Open in time.</summary>
    private sealed class ChannelUnanswered
    {
        public static readonly ChannelUnanswered Instance = new();
    }

    /// <summary>The session's actor stopped this long ago and the stage has still not ended.</summary>
    private sealed class SessionGone
    {
        public static readonly SessionGone Instance = new();
    }

    private sealed record LinkConnected(MediaLink Link);

    private sealed record OpenPrepared(string Executor, object Request);

    private sealed record OpenNotPrepared(string Executor, Exception Error);

    private void Placing()
    {
        Receive<InputReady>(ready =>
        {
            _input = ready.Input;
            _placement.FindCandidates();
        });
        Receive<LinkStageReady>(ready =>
        {
            _link = ready.Control;
            _placement.FindCandidates();
        });
        Receive<ExecutorPlacement.Candidates>(found => Follow(_placement.Start(found)));
        Receive<SessionOpened>(opened =>
        {
            _placement.Placed();
            _session = opened.Session;
            Context.Watch(_session);
            if (_link is not null)
            {
                if (opened.LinkEndpoint is null)
                {
                    Fail(new RemoteStageException($"Executor {_executor} does not offer a media link; use the StreamRefs transport with it.", _executor));
                    return;
                }

                LinkClient.Get(Context.System)
                    .GetAsync(opened.LinkEndpoint, _executor!, _settings.HeartbeatInterval, _settings.IdleTimeout, _settings.OpenTimeout)
                    .PipeTo(Self, success: link => new LinkConnected(link), failure: e => new Status.Failure(e));
                Become(Running);
                return;
            }

            var executor = _executor!;
            var nodeType = _nodeType;
            var idle = _settings.IdleTimeout;
            _output!.TrySetResult(opened.Output!.Source
                .IdleTimeout(idle)
                .SelectError(e => e is TimeoutException
                    ? new RemoteStageException($"Remote stage '{nodeType}' on executor {executor} sent nothing for {idle.TotalMilliseconds:0} ms; the executor is presumed dead.", executor, e)
                    : e is RemoteStageException ? e : new RemoteStageException($"Remote stage '{nodeType}' on executor {executor} failed: {e.Message}", executor, e))
                .Where(static e => e is not StreamHeartbeat));
            EndSpan();
            Become(Running);
        });
        Receive<SessionRefused>(refused => Follow(_placement.Refused(refused)));
        Receive<OpenPrepared>(prepared =>
        {
            if (_placement.IsCurrent(prepared.Executor))
            {
                Context.ActorSelection(prepared.Executor + ExecutorDirectoryActor.ExecutorPath).Tell(prepared.Request, Self);
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
        Receive<LinkConnected>(connected =>
        {
            var channel = LinkClient.Get(Context.System).NextChannel();
            if (_link!.Open(connected.Link, channel, _sessionId) && !_channelAnswered)
            {
                // Bounded: an executor that never answers the Open (no credit, no failure) must not leave the stage waiting forever.
                _channelTimeout = Context.System.Scheduler.ScheduleTellOnceCancelable(ChannelAnswerTimeout, Self, ChannelUnanswered.Instance, Self);
            }
        });
        Receive<ChannelAnswered>(_ =>
        {
            _channelAnswered = true;
            _channelTimeout?.Cancel();
            EndSpan();
        });
        Receive<ChannelUnanswered>(_ =>
        {
            if (!_channelAnswered)
            {
                Fail(new RemoteStageException(
                    $"Executor {_executor} did not answer the media link channel of session {_sessionId} (remote stage '{_nodeType}') within {ChannelAnswerTimeout.TotalSeconds:0.#} s.",
                    _executor));
            }
        });
        Receive<SessionGone>(_ =>
        {
            // A stage that heard its peer's end is only draining to a slow downstream: it ends by itself.
            if (!_link!.PeerEnded)
            {
                Fail(new RemoteStageException(
                    $"Session {_sessionId} of remote stage '{_nodeType}' on executor {_executor} ended, but its media link channel carried no end within {_settings.OpenTimeout.TotalSeconds:0.#} s.",
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
            else if (_link is not null && terminated.ActorRef.Equals(_session))
            {
                // The session's own end (complete or failure) travels on the link and normally ends the stage
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

    private TimeSpan ChannelAnswerTimeout => _settings.OpenTimeout * 2;

    /// <summary>Does what the placement decided: prepare the next executor, or fail (an error of preparing is worded here).</summary>
    private void Follow(PlacementStep step) => step.Apply(TryExecutor, error => Fail(error as RemoteStageException ?? new RemoteStageException(
        $"Remote stage '{_nodeType}' could not be prepared on executor {_executor}: {error.Message}", _executor, error)));

    private void TryExecutor(string next)
    {
        _executor = next;

        // Inside the span, so that what preparing does (uploading shipped code) is traced as its child.
        using (MediaTracing.Enter(_span))
        {
            _target.PrepareOpenAsync(Context.System, next, _sessionId, _input, Self, _settings.OpenTimeout, _trace)
                .PipeTo(Self, success: request => new OpenPrepared(next, request), failure: e => new OpenNotPrepared(next, e));
        }
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
        _output?.TrySetResult(Source.Failed<object>(error));
        _link?.Fail(error);
        _killSwitch?.Abort(error);
    }

    private void Fail(RemoteStageException error)
    {
        Abort(error);
        _session?.Tell(new CloseSession(_sessionId));
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _placement.Cancel();
        _channelTimeout?.Cancel();
        _sessionGone?.Cancel();
        EndSpan();
        _output?.TrySetResult(Source.Failed<object>(new RemoteStageException($"Remote stage '{_nodeType}' stopped before its session opened.", _executor)));
    }
}
