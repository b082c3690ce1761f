using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// One remote object on the executor: once its code has loaded (see <see cref="CodeSessionActor"/>; the load is
/// bounded by the call timeout), runs the client's calls on the object one at a time, in arrival order.
/// </summary>
/// <remarks>
/// <para>Every call and state snapshot runs user code on a dedicated thread, never on the actor's, so the actor can
/// enforce the call timeout: a call past it is answered with a timeout failure and the session stops. The hung thread
/// cannot be aborted in-process; it is abandoned (and the context it uses cannot be collected until it returns).
/// What a call needs on its thread (the object, its code, its resolved methods) belongs to the <see cref="LoadedObject"/>;
/// the actor's own state is touched on the actor's thread only.</para>
/// <para>The session stops when the client closes it (after the running call), when the client's actor terminates
/// (DeathWatch: its process died or left), or after a timeout; calls still queued are then answered as rejected.
/// The session's spans end when the object is live; calls are not traced.</para>
/// </remarks>
internal sealed class ObjectSessionActor : CodeSessionActor
{
    private readonly OpenObjectSession _request;
    private readonly TimeSpan _callTimeout;
    private readonly Queue<(IObjectSessionMessage Request, IActorRef Caller)> _queue = new();
    private (long CallId, IActorRef Caller)? _running;
    private bool _closing;

    public ObjectSessionActor(OpenObjectSession request, UserCodeHost host, TimeSpan callTimeout, SessionMetrics metrics, Activity? span)
        : base("object", new CodeSessionRequest(request.SessionId, request.EntryAssembly, request.Entries, request.Object, request.Client), host, callTimeout, metrics, span)
    {
        _request = request;
        _callTimeout = callTimeout;
    }

    protected override void Started(LoadedObject loaded)
    {
        Log.Info("Object session of {EntryAssembly} started for client {Client}", _request.EntryAssembly, _request.Client.Path);
        var span = CodeLoaded();
        _request.Client.Tell(new ObjectSessionOpened(_request.SessionId, Self, _callTimeout));
        span?.Stop();
        Become(Ready);
    }

    protected override void PostStop()
    {
        base.PostStop();
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
                Metrics.Error(ExecutorErrorKind.UserCode);
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
            Log.Warning("A call did not complete within {CallTimeout}; the session stops and abandons its thread", _callTimeout);
            Metrics.Error(ExecutorErrorKind.CallTimeout);
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
        Receive<Terminated>(StopIfClientGone);
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
        var loaded = Loaded;
        var request = next.Request;
        Task.Factory.StartNew(() => ObjectInvoker.RunAsync(loaded, request), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .Unwrap()
            .PipeTo(
                Self,
                success: reply => new CallDone(callId, reply),
                failure: e => new CallDone(callId, new CallFailed(callId, CallFailure.Rejected, e.GetType().FullName!, e.Message, e.ToString())));
        Timers.StartSingleTimer(CallTimedOut.Key, new CallTimedOut(callId), _callTimeout);
    }

    private sealed record CallDone(long CallId, IObjectSessionMessage Reply);

    private sealed record CallTimedOut(long CallId)
    {
        public const string Key = "call";
    }
}
