using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Isolation;
using AkkaMedia.Executor.Link;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Remote.Transport;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// A remote object whose code runs in a worker process (<c>isolation = process</c>), the counterpart of
/// <see cref="ObjectSessionActor"/>: the client sees the same protocol (<see cref="ObjectSessionOpened"/>, calls on the
/// executor's media link or as messages), and a <see cref="WorkerCallForwarder"/> passes each call to the worker and
/// its reply back, keeping the call timeout.
/// </summary>
/// <remarks>
/// <para>A call past the timeout kills the worker (<see cref="WorkerKillReason.CallTimeout"/>): its caller gets a timeout
/// naming the limit and its key, and the session stops. The worker ending for any other reason (its memory limit, a crash,
/// killed from outside) fails the calls in flight with the worker's exit message (the client raises
/// <c>RemoteExecutionException</c>) and stops the session. Other sessions are not touched either way.</para>
/// <para>The session stops when the client closes it (after the calls in flight are answered) or its actor terminates;
/// stopping kills the worker.</para>
/// </remarks>
internal sealed class WorkerObjectSessionActor : WorkerSessionActor
{
    /// <summary>The remote type of the failure of calls whose worker process ended under them.</summary>
    public const string WorkerExitedType = "AkkaMedia.WorkerProcessExited";

    /// <summary>How long a worker whose link broke may take to exit before it is killed as broken.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly OpenObjectSession _request;
    private readonly TimeSpan _callTimeout;
    private readonly LinkServer? _linkServer;
    private WorkerCallForwarder? _forwarder;
    private ObjectCallEndpoint? _endpoint;
    private bool _timedOut;

    public WorkerObjectSessionActor(OpenObjectSession request, UserCodeHost host, WorkerPool pool, TimeSpan callTimeout, SessionMetrics metrics, Activity? span, LinkServer? linkServer)
        : base("object", new CodeSessionRequest(request.SessionId, request.EntryAssembly, request.Entries, request.Object, request.Client), host, pool, callTimeout, metrics, span)
    {
        _request = request;
        _callTimeout = callTimeout;
        _linkServer = linkServer;
    }

    protected override int Window => 1;

    protected override void Started(string name)
    {
        Log.Info("Object session of {EntryAssembly} started in worker process {Pid} for client {Client}", _request.EntryAssembly, Worker.Process.Pid, _request.Client.Path);
        var span = CodeLoaded();
        var self = Self;
        var metrics = Metrics;
        var link = Worker.OpenLink((ExtendedActorSystem)Context.System);
        var calls = LinkCallClient.Open(link, WorkerHost.SessionChannel, _request.SessionId, link.Peer, completeInline: true);
        var forwarder = new WorkerCallForwarder(
            calls,
            _request.SessionId,
            _callTimeout,
            onTimedOut: message => self.Tell(new CallTimedOut(message)),
            onIdleAfterClose: () => self.Tell(IdleAfterClose.Instance),
            onUserException: () => metrics.Error(ExecutorErrorKind.UserCode),
            onWorkerLost: message => self.Tell(new WorkerLinkLost(message)));
        _forwarder = forwarder;
        WatchWorker();
        string? linkEndpoint = null;
        if (_linkServer is not null)
        {
            ObjectCallEndpoint? endpoint = null;
            endpoint = new ObjectCallEndpoint(request => forwarder.Enqueue(request, endpoint!));
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
        _forwarder?.Dispose();
        _endpoint?.End("The remote object's session has ended.");
        _linkServer?.Retire(_request.SessionId);
        base.PostStop();
    }

    private void Ready()
    {
        Receive<InvokeObject>(call => _forwarder!.Enqueue(call, Sender));
        Receive<GetObjectState>(call => _forwarder!.Enqueue(call, Sender));
        Receive<CallTimedOut>(timedOut =>
        {
            Log.Warning("A call did not complete within {CallTimeout}; worker process {Pid} is killed and the session stops", _callTimeout, Worker.Process.Pid);
            _timedOut = true;
            Metrics.Error(ExecutorErrorKind.CallTimeout);
            Worker.Process.Kill(WorkerKillReason.CallTimeout, timedOut.Message);
            _endpoint?.End(timedOut.Message);
            Context.Stop(Self);
        });
        Receive<WorkerLinkLost>(lost => !lost.Grace, lost => Worker.Process.Kill(
            WorkerKillReason.ProtocolError,
            $"The worker process of remote object session {_request.SessionId} lost its link to the executor ({lost.Message}) and did not exit."));
        Receive<WorkerLinkLost>(lost =>
        {
            // The worker's exit, expected at once, says why; a worker that lives on without its link broke the protocol.
            if (!Timers.IsTimerActive(nameof(WorkerLinkLost)))
            {
                Log.Warning("The link to worker process {Pid} was lost: {Reason}", Worker.Process.Pid, lost.Message);
                Timers.StartSingleTimer(nameof(WorkerLinkLost), lost with { Grace = false }, ExitGrace);
            }
        });
        Receive<WorkerEnded>(ended =>
        {
            if (_timedOut)
            {
                return;
            }

            var message = $"The worker process of remote object session {_request.SessionId} ended: {ended.Exit.Message}";
            Log.Warning("{Reason}", message);
            Metrics.Error(ExecutorErrorKind.UserCode);
            _forwarder!.Fail(ended.Exit.ExitCode == WorkerHost.OutOfMemoryExitCode || ended.Exit.Reason == WorkerKillReason.MemoryLimit
                ? typeof(OutOfMemoryException).FullName!
                : WorkerExitedType, message);
            _endpoint?.End(message);
            Context.Stop(Self);
        });
        Receive<CloseSession>(_ =>
        {
            if (_forwarder!.CloseWhenIdle())
            {
                Context.Stop(Self);
            }
        });
        Receive<IdleAfterClose>(_ => Context.Stop(Self));
        Receive<Terminated>(StopIfClientGone);
    }

    /// <summary>A call ran past the timeout; its caller got <paramref name="Message"/>.</summary>
    private sealed record CallTimedOut(string Message);

    /// <summary>The worker's call channel ended under a call; <paramref name="Grace"/>: first news, the worker's exit may follow.</summary>
    private sealed record WorkerLinkLost(string Message, bool Grace = true);

    /// <summary>The session was asked to close and its last call has been answered.</summary>
    private sealed class IdleAfterClose
    {
        public static readonly IdleAfterClose Instance = new();
    }
}
