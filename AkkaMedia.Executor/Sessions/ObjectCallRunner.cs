using System.Diagnostics;
using Akka.Actor;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// Runs the calls of one remote object, one at a time in arrival order, on a thread of the session's own (taken from
/// <see cref="UserCodeThreads"/> for the session's life), and answers
/// each where it came from: on the media link's call channel (<see cref="ObjectCallEndpoint"/>) or to the calling actor.
/// Calls reach it straight from the link's receive thread or from the session's actor; no actor message is sent per call.
/// </summary>
/// <remarks>
/// <para>The call timeout is watched by a timer (a tenth of the timeout, between 10 ms and 1 s): a call that runs past it
/// is answered with <see cref="CallFailure.Timeout"/>, every queued call is rejected, nothing more is taken, and the
/// session is told (<c>onTimedOut</c>) so that it stops. The thread stays in the user's code (it cannot be aborted) and
/// ends when that returns; its result is dropped.</para>
/// <para>Thread safety: <c>Enqueue</c>, <see cref="CloseWhenIdle"/> and <see cref="Dispose"/> may be called from
/// any thread; the callbacks run on the runner's or the timer's thread and must only send messages.</para>
/// </remarks>
internal sealed class ObjectCallRunner : IDisposable
{
    private readonly LoadedObject _loaded;
    private readonly TimeSpan _callTimeout;
    private readonly string _sessionId;
    private readonly Action<long, string> _onTimedOut;
    private readonly Action _onIdleAfterClose;
    private readonly Action _onUserException;
    private readonly object _gate = new();
    private readonly Queue<PendingCall> _queue = new();
    private readonly Timer _watchdog;
    private PendingCall? _running;
    private long _runningSince;
    private bool _closing;
    private string? _ended;

    /// <param name="loaded">The object and its code.</param>
    /// <param name="sessionId">For messages.</param>
    /// <param name="callTimeout">The longest a call may run.</param>
    /// <param name="onTimedOut">Told once, from the timer's thread, of the call id that timed out and the message its caller got.</param>
    /// <param name="onIdleAfterClose">Told once, after <see cref="CloseWhenIdle"/>, when no call runs any more.</param>
    /// <param name="onUserException">Told of every call whose user code threw (for metrics).</param>
    public ObjectCallRunner(LoadedObject loaded, string sessionId, TimeSpan callTimeout, Action<long, string> onTimedOut, Action onIdleAfterClose, Action onUserException)
    {
        _loaded = loaded;
        _sessionId = sessionId;
        _callTimeout = callTimeout;
        _onTimedOut = onTimedOut;
        _onIdleAfterClose = onIdleAfterClose;
        _onUserException = onUserException;
        var period = TimeSpan.FromTicks(Math.Clamp(callTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _watchdog = new Timer(static s => ((ObjectCallRunner)s!).CheckTimeout(), this, period, period);
        UserCodeThreads.Start(Run, "akka-media-object-" + sessionId);
    }

    /// <summary>
    /// True when no call runs or waits and the runner still takes calls: a caller that is the only source of calls may
    /// then run the next one itself (<see cref="ObjectInvoker.RunAsync"/>) without breaking their order.
    /// </summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _running is null && _queue.Count == 0 && !_closing && _ended is null;
            }
        }
    }

    /// <summary>Queues <paramref name="request"/> from the link; answered on <paramref name="endpoint"/>.</summary>
    public void Enqueue(IObjectSessionMessage request, ObjectCallEndpoint endpoint) => Enqueue(new PendingCall(request, endpoint, null));

    /// <summary>Queues <paramref name="request"/> from an actor; answered to <paramref name="caller"/>.</summary>
    public void Enqueue(IObjectSessionMessage request, IActorRef caller) => Enqueue(new PendingCall(request, null, caller));

    /// <summary>
    /// Takes no more calls (they are rejected as closing) and rejects the queued ones; <c>onIdleAfterClose</c> follows
    /// once the running call, if any, has been answered.
    /// </summary>
    /// <returns>True when no call runs: the session may stop at once (and <c>onIdleAfterClose</c> is not called).</returns>
    public bool CloseWhenIdle()
    {
        List<PendingCall> rejected;
        bool idle;
        lock (_gate)
        {
            _closing = true;
            rejected = [.. _queue];
            _queue.Clear();
            idle = _running is null;
            if (idle)
            {
                // Nothing runs and nothing is queued: the thread ends without starting another call.
                _ended ??= "The session has ended.";
                Monitor.PulseAll(_gate);
            }
        }

        PendingCall.Reject(rejected, "The session is closing.");
        return idle;
    }

    /// <summary>Ends the runner: queued calls are rejected, a running call's result is dropped, the thread ends. Idempotent.</summary>
    public void Dispose()
    {
        List<PendingCall> rejected;
        lock (_gate)
        {
            _ended ??= "The session has ended.";
            _running = null;
            rejected = [.. _queue];
            _queue.Clear();
            Monitor.PulseAll(_gate);
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
                _queue.Enqueue(call);
                if (_queue.Count == 1)
                {
                    Monitor.Pulse(_gate);
                }

                return;
            }
        }

        PendingCall.Reject([call], refusal);
    }

    private void Run()
    {
        while (true)
        {
            PendingCall call;
            lock (_gate)
            {
                while (_queue.Count == 0 && _ended is null)
                {
                    Monitor.Wait(_gate);
                }

                if (_ended is not null)
                {
                    return;
                }

                call = _queue.Dequeue();
                _running = call;
                _runningSince = Stopwatch.GetTimestamp();
            }

            IObjectSessionMessage reply;
            try
            {
                reply = ObjectInvoker.RunAsync(_loaded, call.Request).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                reply = new CallFailed(call.CallId, CallFailure.Rejected, e.GetType().FullName!, e.Message, e.ToString());
            }

            bool idleAfterClose;
            bool last;
            lock (_gate)
            {
                last = _queue.Count == 0;
                if (!ReferenceEquals(_running, call))
                {
                    // Timed out or disposed meanwhile: its caller has been answered (or is gone); this thread is done.
                    return;
                }

                _running = null;
                idleAfterClose = _closing;
                if (idleAfterClose)
                {
                    _ended ??= "The session has ended.";
                }
            }

            if (reply is CallFailed { Failure: CallFailure.UserException })
            {
                _onUserException();
            }

            call.Answer(reply, last);
            if (idleAfterClose)
            {
                _onIdleAfterClose();
                return;
            }
        }
    }

    private void CheckTimeout()
    {
        PendingCall timedOut;
        List<PendingCall> rejected;
        lock (_gate)
        {
            if (_running is null || Stopwatch.GetElapsedTime(_runningSince) < _callTimeout)
            {
                return;
            }

            timedOut = _running;
            _running = null;
            _ended = "The session was stopped after a call timed out.";
            rejected = [.. _queue];
            _queue.Clear();
        }

        _watchdog.Dispose();
        var callId = timedOut.CallId;
        var message = $"A call on remote object session {_sessionId} did not complete within {_callTimeout.TotalSeconds:0.###} s; the session was stopped. " +
            "Its thread cannot be aborted and is abandoned on the executor.";
        timedOut.Answer(new CallFailed(callId, CallFailure.Timeout, typeof(TimeoutException).FullName!, message, string.Empty));
        PendingCall.Reject(rejected, "The session was stopped after a call timed out.");
        _onTimedOut(callId, message);
    }
}
