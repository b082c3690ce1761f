using System.Diagnostics;
using System.Reflection;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// One remote object on the executor: loads its shipped code into a load context of its own,
/// deserializes the object there, then runs the client's calls on it one at a time, in arrival order.
/// </summary>
/// <remarks>
/// <para>Every piece of user code (deserialization, calls, state snapshots) runs on a dedicated thread,
/// never on the actor's, so the actor can enforce the call timeout: a call past it is answered with a
/// timeout failure and the session stops. The hung thread cannot be aborted in-process; it is abandoned
/// (and the context it uses cannot be collected until it returns).</para>
/// <para>The session stops when the client closes it, when the client's actor terminates (DeathWatch:
/// its process died or left), or after a timeout. In every case the object is dropped, the load context
/// unloaded and the package lease released.</para>
/// <para>Tracing: the load is an <c>akkamedia.code.load</c> span under the request's <c>akkamedia.session.start</c>
/// span; both end when the object is live (or failed, when it is refused). Calls are not traced.</para>
/// </remarks>
internal sealed class ObjectSessionActor : ReceiveActor, IWithTimers
{
    private readonly OpenObjectSession _request;
    private readonly UserCodeHost _host;
    private readonly TimeSpan _callTimeout;
    private readonly LoadSlot<LoadedObject> _slot = new();
    private readonly Queue<(IObjectSessionMessage Request, IActorRef Caller)> _queue = new();
    private readonly Dictionary<string, MethodInfo> _methods = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log;
    private readonly SessionMetrics _metrics;
    private LoadedObject? _loaded;
    private (long CallId, IActorRef Caller)? _running;
    private bool _closing;
    private Activity? _span;
    private Activity? _load;

    public ObjectSessionActor(OpenObjectSession request, UserCodeHost host, TimeSpan callTimeout, SessionMetrics metrics, Activity? span)
    {
        _request = request;
        _span = span;
        _metrics = metrics;
        _host = host;
        _callTimeout = callTimeout;
        _log = SessionLog.For(Context, request.SessionId);
        Loading();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.Watch(_request.Client);
        var request = _request;
        _load = CodeLoadSpan.Start(_span, request.EntryAssembly, request.Entries.Count);
        LoadedObject.LoadAsync(_host, request.SessionId, request.EntryAssembly, request.Entries, request.Object, _slot)
            .PipeTo(Self, success: () => Loaded.Instance, failure: e => new Status.Failure(e));
        Timers.StartSingleTimer(LoadTimedOut.Instance, LoadTimedOut.Instance, _callTimeout);
    }

    protected override void PostStop()
    {
        _slot.Abandon();
        _loaded?.Dispose();
        _load?.Stop();
        _span?.Stop();
        foreach (var (request, caller) in _queue)
        {
            caller.Tell(Rejected(request, "The session has ended."));
        }
    }

    private static long CallIdOf(IObjectSessionMessage request) => request switch
    {
        InvokeObject invoke => invoke.CallId,
        GetObjectState state => state.CallId,
        _ => 0,
    };

    private static CallFailed Rejected(IObjectSessionMessage request, string message) =>
        new(CallIdOf(request), CallFailure.Rejected, typeof(ObjectDisposedException).FullName!, message, string.Empty);

    private void Loading()
    {
        Receive<Loaded>(_ =>
        {
            Timers.Cancel(LoadTimedOut.Instance);
            _loaded = _slot.Take();
            if (_loaded is null)
            {
                Context.Stop(Self);
                return;
            }

            _log.Info("Object session of {EntryAssembly} started for client {Client}", _request.EntryAssembly, _request.Client.Path);
            _metrics.CodeLoaded();
            _request.Client.Tell(new ObjectSessionOpened(_request.SessionId, Self, _callTimeout));
            _load?.Stop();
            _load = null;
            _span?.Stop();
            _span = null;
            Become(Ready);
        });
        Receive<Status.Failure>(failure => Refuse(
            failure.Cause is CodeRejectedException
                ? failure.Cause.Message
                : $"The object could not be loaded on the executor: {failure.Cause.GetType().FullName}: {failure.Cause.Message}",
            failure.Cause));
        Receive<LoadTimedOut>(_ => Refuse(
            $"Loading and deserializing the object did not finish within {_callTimeout.TotalSeconds:0.#} s (a static constructor or deserialization callback hangs?); the session is abandoned.", null));
        Receive<CloseSession>(_ => Context.Stop(Self));
        Receive<Terminated>(t => ClientGone(t.ActorRef));
    }

    private void Ready()
    {
        Receive<InvokeObject>(call => Enqueue(call));
        Receive<GetObjectState>(call => Enqueue(call));
        Receive<CallDone>(done =>
        {
            if (_running is not { } running || running.CallId != done.CallId)
            {
                return;
            }

            Timers.Cancel(CallTimedOut.Key);
            _running = null;
            if (done.Reply is CallFailed { Failure: CallFailure.UserException })
            {
                _metrics.Error(ExecutorErrorKind.UserCode);
            }

            running.Caller.Tell(done.Reply);
            if (_closing)
            {
                Context.Stop(Self);
                return;
            }

            RunNext();
        });
        Receive<CallTimedOut>(timedOut =>
        {
            if (_running is not { } running || running.CallId != timedOut.CallId)
            {
                return;
            }

            var message = $"A call on remote object session {_request.SessionId} did not complete within {_callTimeout.TotalSeconds:0.###} s; the session was stopped. " +
                "Its thread cannot be aborted and is abandoned on the executor.";
            _log.Warning("A call did not complete within {CallTimeout}; the session stops and abandons its thread", _callTimeout);
            _metrics.Error(ExecutorErrorKind.CallTimeout);
            running.Caller.Tell(new CallFailed(timedOut.CallId, CallFailure.Timeout, typeof(TimeoutException).FullName!, message, string.Empty));
            Context.Stop(Self);
        });
        Receive<CloseSession>(_ =>
        {
            if (_running is null)
            {
                Context.Stop(Self);
                return;
            }

            _closing = true;
        });
        Receive<Terminated>(t => ClientGone(t.ActorRef));
    }

    private void Enqueue(IObjectSessionMessage request)
    {
        if (_closing)
        {
            Sender.Tell(Rejected(request, "The session is closing."));
            return;
        }

        _queue.Enqueue((request, Sender));
        RunNext();
    }

    private void RunNext()
    {
        if (_running is not null || !_queue.TryDequeue(out var next))
        {
            return;
        }

        var callId = CallIdOf(next.Request);
        _running = (callId, next.Caller);
        var loaded = _loaded!;
        var holder = loaded.Holder;
        var code = loaded.Code;
        var methods = _methods;
        var request = next.Request;
        Task.Factory.StartNew(() => ObjectInvoker.RunAsync(holder, code, request, methods), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .Unwrap()
            .PipeTo(
                Self,
                success: reply => new CallDone(callId, reply),
                failure: e => new CallDone(callId, new CallFailed(callId, CallFailure.Rejected, e.GetType().FullName!, e.Message, e.ToString())));
        Timers.StartSingleTimer(CallTimedOut.Key, new CallTimedOut(callId), _callTimeout);
    }

    private void Refuse(string message, Exception? cause)
    {
        _log.Warning("Object session of {EntryAssembly} refused: {Reason}", _request.EntryAssembly, message);
        _metrics.CodeRefused(cause);
        CodeLoadSpan.Refused(ref _load, ref _span, message, cause);
        _request.Client.Tell(new SessionRefused(_request.SessionId, RefusalReason.CodeRejected, message));
        Context.Stop(Self);
    }

    private void ClientGone(IActorRef actor)
    {
        if (actor.Equals(_request.Client))
        {
            _log.Info("Client {Client} of the object session is gone; the session stops", actor.Path);
            Context.Stop(Self);
        }
    }

    private sealed record CallDone(long CallId, IObjectSessionMessage Reply);

    private sealed record CallTimedOut(long CallId)
    {
        public const string Key = "call";
    }

    private sealed class Loaded
    {
        public static readonly Loaded Instance = new();
    }

    private sealed class LoadTimedOut
    {
        public static readonly LoadTimedOut Instance = new();
    }
}
