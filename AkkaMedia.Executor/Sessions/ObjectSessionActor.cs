using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Link;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// One remote object on the executor: once its code has loaded (see <see cref="CodeSessionActor"/>; the load is
/// bounded by the call timeout), runs the client's calls on the object one at a time, in arrival order.
/// </summary>
/// <remarks>
/// <para>Calls run in an <see cref="ObjectCallRunner"/>, on a thread of the session's own, never on the actor's. They
/// arrive over the executor's media link, on a channel the client opens for the session (<see cref="ObjectCallEndpoint"/>:
/// straight from the link's receive thread to the runner, with no actor message per call), or as messages to this actor
/// (a client without the link). The runner enforces the call timeout: a call past it is answered with a timeout failure
/// and the session stops. The hung thread cannot be aborted in-process; it is abandoned (and the context it uses cannot be
/// collected until it returns). The actor's own state is touched on the actor's thread only.</para>
/// <para>The session stops when the client closes it (after the running call), when the client's actor terminates
/// (DeathWatch: its process died or left), or after a timeout; calls still queued are then answered as rejected, and
/// the call channel tells the client the session has ended. The session's spans end when the object is live; calls are
/// not traced.</para>
/// </remarks>
internal sealed class ObjectSessionActor : CodeSessionActor
{
    private readonly OpenObjectSession _request;
    private readonly TimeSpan _callTimeout;
    private readonly LinkServer? _linkServer;
    private ObjectCallRunner? _runner;
    private ObjectCallEndpoint? _endpoint;

    public ObjectSessionActor(OpenObjectSession request, UserCodeHost host, TimeSpan callTimeout, SessionMetrics metrics, Activity? span, LinkServer? linkServer)
        : base("object", new CodeSessionRequest(request.SessionId, request.EntryAssembly, request.Entries, request.Object, request.Client), host, callTimeout, metrics, span)
    {
        _request = request;
        _callTimeout = callTimeout;
        _linkServer = linkServer;
    }

    protected override void Started(LoadedObject loaded)
    {
        Log.Info("Object session of {EntryAssembly} started for client {Client}", _request.EntryAssembly, _request.Client.Path);
        var span = CodeLoaded();
        var self = Self;
        var metrics = Metrics;
        var runner = new ObjectCallRunner(
            loaded,
            _request.SessionId,
            _callTimeout,
            onTimedOut: (callId, message) => self.Tell(new CallTimedOut(callId, message)),
            onIdleAfterClose: () => self.Tell(IdleAfterClose.Instance),
            onUserException: () => metrics.Error(ExecutorErrorKind.UserCode));
        _runner = runner;
        string? linkEndpoint = null;
        if (_linkServer is not null)
        {
            // The link's receive thread queues calls on the runner; it reads nothing of this actor.
            ObjectCallEndpoint? endpoint = null;
            endpoint = new ObjectCallEndpoint(request => runner.Enqueue(request, endpoint!));
            _endpoint = endpoint;
            _linkServer.Expect(_request.SessionId, endpoint.Bind);
            linkEndpoint = _linkServer.Endpoint;
        }

        _request.Client.Tell(new ObjectSessionOpened(_request.SessionId, Self, _callTimeout, linkEndpoint));
        span?.Stop();
        Become(Ready);
    }

    protected override void PostStop()
    {
        // No call runs or will run, and the object is dropped, before the call channel tells the client the session
        // has ended (its disposal completes then); unloading the code follows in the base class.
        _runner?.Dispose();
        DropObject();
        _endpoint?.End("The remote object's session has ended.");
        _linkServer?.Retire(_request.SessionId);
        base.PostStop();
    }

    private void Ready()
    {
        Receive<InvokeObject>(call => _runner!.Enqueue(call, Sender));
        Receive<GetObjectState>(call => _runner!.Enqueue(call, Sender));
        Receive<CallTimedOut>(timedOut =>
        {
            Log.Warning("A call did not complete within {CallTimeout}; the session stops and abandons its thread", _callTimeout);
            Metrics.Error(ExecutorErrorKind.CallTimeout);
            _endpoint?.End(timedOut.Message);
            Context.Stop(Self);
        });
        Receive<CloseSession>(_ =>
        {
            if (_runner!.CloseWhenIdle())
            {
                Context.Stop(Self);
            }
        });
        Receive<IdleAfterClose>(_ => Context.Stop(Self));
        Receive<Terminated>(StopIfClientGone);
    }

    /// <summary>The runner answered call <paramref name="CallId"/> with a timeout (<paramref name="Message"/>): the session stops.</summary>
    private sealed record CallTimedOut(long CallId, string Message);

    /// <summary>The session was asked to close and its last call has been answered.</summary>
    private sealed class IdleAfterClose
    {
        public static readonly IdleAfterClose Instance = new();
    }
}
