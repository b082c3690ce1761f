using System.Diagnostics;
using Akka.Actor;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Remote.Transport;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// The executor's half of a remote object that runs in a worker process: passes the client's calls to the worker (over
/// the worker's link, <see cref="LinkCallClient"/>), in arrival order, and each reply back where its call came from
/// (the client's call channel, <see cref="ObjectCallEndpoint"/>, or the calling actor), under the call's own id.
/// Keeps the wall-clock call timeout, which the worker does not: the worker runs calls one at a time in order, so the
/// oldest unanswered call is the one running, since it was sent or since the call before it was answered.
/// </summary>
/// <remarks>
/// <para>A call past the timeout is answered with <see cref="CallFailure.Timeout"/>, every other call waiting is rejected,
/// nothing more is taken, and the session is told (<c>onTimedOut</c>), which kills the worker.</para>
/// <para>Thread safety: every member may be called from any thread; the callbacks run on a timer's or a reply's thread
/// and must only send messages.</para>
/// </remarks>
internal sealed class WorkerCallForwarder : IDisposable
{
    private readonly LinkCallClient _worker;
    private readonly string _sessionId;
    private readonly TimeSpan _callTimeout;
    private readonly Action<string> _onTimedOut;
    private readonly Action _onIdleAfterClose;
    private readonly Action _onUserException;
    private readonly Action<string> _onWorkerLost;
    private readonly Lock _gate = new();
    private readonly LinkedList<PendingCall> _inFlight = new();
    private readonly Timer _watchdog;
    private long _headSince;
    private bool _closing;
    private string? _ended;

    /// <param name="worker">The call channel to the worker.</param>
    /// <param name="sessionId">For messages.</param>
    /// <param name="callTimeout">The longest a call may run.</param>
    /// <param name="onTimedOut">Told once, with the message the timed-out caller got.</param>
    /// <param name="onIdleAfterClose">Told once, after <see cref="CloseWhenIdle"/>, when the last call has been answered.</param>
    /// <param name="onUserException">Told of every call whose user code threw (for metrics).</param>
    /// <param name="onWorkerLost">Told when the worker's channel ended under a call (the worker died or broke its link); the calls wait for <see cref="Fail"/>.</param>
    public WorkerCallForwarder(LinkCallClient worker, string sessionId, TimeSpan callTimeout, Action<string> onTimedOut, Action onIdleAfterClose, Action onUserException, Action<string> onWorkerLost)
    {
        _worker = worker;
        _sessionId = sessionId;
        _callTimeout = callTimeout;
        _onTimedOut = onTimedOut;
        _onIdleAfterClose = onIdleAfterClose;
        _onUserException = onUserException;
        _onWorkerLost = onWorkerLost;
        var period = TimeSpan.FromTicks(Math.Clamp(callTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _watchdog = new Timer(static s => ((WorkerCallForwarder)s!).CheckTimeout(), this, period, period);
    }

    /// <summary>Passes on <paramref name="request"/> from the client's link; answered on <paramref name="endpoint"/>.</summary>
    public void Enqueue(IObjectSessionMessage request, ObjectCallEndpoint endpoint) => Enqueue(new PendingCall(request, endpoint, null));

    /// <summary>Passes on <paramref name="request"/> from an actor; answered to <paramref name="caller"/>.</summary>
    public void Enqueue(IObjectSessionMessage request, IActorRef caller) => Enqueue(new PendingCall(request, null, caller));

    /// <summary>Takes no more calls (they are rejected as closing); <c>onIdleAfterClose</c> follows once the calls in flight are answered.</summary>
    /// <returns>True when none is in flight: the session may stop at once (and <c>onIdleAfterClose</c> is not called).</returns>
    public bool CloseWhenIdle()
    {
        lock (_gate)
        {
            _closing = true;
            if (_inFlight.Count == 0)
            {
                _ended ??= "The session has ended.";
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// The worker is gone (<paramref name="message"/> says how): every call in flight is answered as failed in user code
    /// with <paramref name="remoteType"/> and the message (the client raises <c>RemoteExecutionException</c>), later ones are rejected.
    /// </summary>
    public void Fail(string remoteType, string message)
    {
        List<PendingCall> failed;
        lock (_gate)
        {
            _ended ??= message;
            failed = [.. _inFlight];
            _inFlight.Clear();
        }

        foreach (var call in failed)
        {
            call.Answer(new CallFailed(call.CallId, CallFailure.UserException, remoteType, message, string.Empty));
        }
    }

    /// <summary>Ends the forwarder: calls in flight are rejected as ended, the timer stops. Idempotent.</summary>
    public void Dispose()
    {
        List<PendingCall> rejected;
        lock (_gate)
        {
            _ended ??= "The session has ended.";
            rejected = [.. _inFlight];
            _inFlight.Clear();
        }

        _watchdog.Dispose();
        PendingCall.Reject(rejected, "The session has ended.");
    }

    private void Enqueue(PendingCall call)
    {
        string? refusal;
        lock (_gate)
        {
            refusal = _ended ?? (_closing ? "The session is closing." : null);
            if (refusal is null)
            {
                _inFlight.AddLast(call);
                if (_inFlight.Count == 1)
                {
                    _headSince = Stopwatch.GetTimestamp();
                }

                // Sent under the lock: the worker runs calls in the order of this list. The reply is passed on from the
                // worker link's receive thread, where it completes the call (the channel completes inline): no thread
                // is woken for it. A call that fails at once continues on the thread pool, never here under the lock.
                var reply = _worker.CallAsync(call.Request);
                reply.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Completed(call, reply));
                return;
            }
        }

        PendingCall.Reject([call], refusal);
    }

    private void Completed(PendingCall call, Task<IObjectSessionMessage> outcome)
    {
        if (!outcome.IsCompletedSuccessfully)
        {
            // The worker's channel ended under this call: the session learns why (the worker's exit) and fails the calls.
            _onWorkerLost(outcome.Exception?.GetBaseException().Message ?? "The worker's call channel ended.");
            return;
        }

        bool last;
        bool idleAfterClose;
        lock (_gate)
        {
            var wasHead = _inFlight.First?.Value == call;
            if (!_inFlight.Remove(call))
            {
                // Answered already (timed out, or the worker was lost).
                return;
            }

            if (wasHead)
            {
                _headSince = Stopwatch.GetTimestamp();
            }

            last = _inFlight.Count == 0;
            idleAfterClose = _closing && last;
            if (idleAfterClose)
            {
                _ended ??= "The session has ended.";
            }
        }

        var callId = call.CallId;
        var reply = outcome.Result switch
        {
            CallSucceeded done => done with { CallId = callId },
            CallFailed failed => failed with { CallId = callId },
            var other => other,
        };
        if (reply is CallFailed { Failure: CallFailure.UserException })
        {
            _onUserException();
        }

        call.Answer(reply, last);
        if (idleAfterClose)
        {
            _onIdleAfterClose();
        }
    }

    private void CheckTimeout()
    {
        PendingCall timedOut;
        List<PendingCall> rejected;
        lock (_gate)
        {
            if (_inFlight.First is not { } head || Stopwatch.GetElapsedTime(_headSince) < _callTimeout)
            {
                return;
            }

            timedOut = head.Value;
            _inFlight.RemoveFirst();
            _ended = "The session was stopped after a call timed out.";
            rejected = [.. _inFlight];
            _inFlight.Clear();
        }

        _watchdog.Dispose();
        var message = $"A call on remote object session {_sessionId} did not complete within {_callTimeout.TotalSeconds:0.###} s " +
            "(akka-media.executor.objects.call-timeout); the session was stopped and its worker process killed.";
        timedOut.Answer(new CallFailed(timedOut.CallId, CallFailure.Timeout, typeof(TimeoutException).FullName!, message, string.Empty));
        PendingCall.Reject(rejected, "The session was stopped after a call timed out.");
        _onTimedOut(message);
    }
}
