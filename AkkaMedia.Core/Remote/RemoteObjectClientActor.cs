using Akka.Actor;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote;

/// <summary>
/// The client end of one remote object: opens its session, numbers the calls, routes each reply to its
/// caller, watches the session (a session that stops or whose executor dies fails every pending call at
/// once), and closes the session when the remote object is disposed or this actor stops.
/// </summary>
/// <remarks>The executor watches this actor: when the client's process dies, the session stops.</remarks>
internal sealed class RemoteObjectClientActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, IActorRef> _calls = [];
    private (string SessionId, IActorRef Asker)? _opening;
    private string? _sessionId;
    private IActorRef? _session;
    private string? _executor;
    private string? _ended;
    private IActorRef? _closer;
    private long _nextCall;

    public RemoteObjectClientActor()
    {
        Receive<Open>(open =>
        {
            _opening = (open.Request.SessionId, Sender);
            open.Executor.Tell(open.Request, Self);
        });
        Receive<ObjectSessionOpened>(opened =>
        {
            if (_opening is { } pending && pending.SessionId == opened.SessionId && _session is null)
            {
                _opening = null;
                _sessionId = opened.SessionId;
                _session = opened.Session;
                _executor = opened.Session.Path.Address.ToString();
                Context.Watch(_session);
                pending.Asker.Tell(opened);
                return;
            }

            // An answer that arrives after the deploy gave up on it: nobody will use that session.
            opened.Session.Tell(new CloseSession(opened.SessionId));
        });
        Receive<SessionRefused>(refused =>
        {
            if (_opening is { } pending && pending.SessionId == refused.SessionId)
            {
                _opening = null;
                pending.Asker.Tell(refused);
            }
        });
        Receive<Call>(call =>
        {
            if (_session is null || _ended is not null)
            {
                Sender.Tell(new Status.Failure(new RemoteObjectException(_ended ?? "The remote object has no session.", _executor)));
                return;
            }

            var id = ++_nextCall;
            _calls[id] = Sender;
            _session.Tell(call.Request is GetObjectState ? new GetObjectState(id) : ((InvokeObject)call.Request) with { CallId = id }, Self);
        });
        Receive<CallSucceeded>(done => Reply(done.CallId, done));
        Receive<CallFailed>(failed =>
        {
            if (failed.Failure == CallFailure.Timeout)
            {
                _ended = $"The session on executor {_executor} was stopped after a call timed out: {failed.RemoteMessage}";
            }

            Reply(failed.CallId, failed);
        });
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(_session))
            {
                return;
            }

            _ended ??= terminated.AddressTerminated
                ? $"Executor {_executor} holding the remote object is unreachable (its node left or died); the object's state is lost."
                : $"The remote object's session on executor {_executor} has ended.";
            foreach (var caller in _calls.Values)
            {
                caller.Tell(new Status.Failure(new RemoteObjectException(_ended, _executor)));
            }

            _calls.Clear();
            _session = null;
            if (_closer is not null)
            {
                _closer.Tell(Closed.Instance);
                Context.Stop(Self);
            }
        });
        Receive<Close>(_ =>
        {
            _ended ??= "The remote object has been disposed.";
            if (_session is null)
            {
                Sender.Tell(Closed.Instance);
                Context.Stop(Self);
                return;
            }

            _closer = Sender;
            _session.Tell(new CloseSession(_sessionId!), Self);
            Timers.StartSingleTimer(CloseTimedOut.Instance, CloseTimedOut.Instance, CloseWait);
        });
        Receive<CloseTimedOut>(_ =>
        {
            _closer?.Tell(Closed.Instance);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Send <paramref name="Request"/> to <paramref name="Executor"/>; answer the asker with its reply.</summary>
    public sealed record Open(IActorRef Executor, OpenObjectSession Request);

    /// <summary>Run <paramref name="Request"/> (an <see cref="InvokeObject"/> or <see cref="GetObjectState"/>; its call id is assigned here); answer the asker with the reply.</summary>
    public sealed record Call(IObjectSessionMessage Request);

    /// <summary>Close the session; answered with <see cref="Closed"/> once it has stopped (or after a bounded wait).</summary>
    public sealed class Close
    {
        public static readonly Close Instance = new();

        private Close()
        {
        }
    }

    public sealed class Closed
    {
        public static readonly Closed Instance = new();

        private Closed()
        {
        }
    }

    protected override void PostStop()
    {
        if (_session is not null)
        {
            _session.Tell(new CloseSession(_sessionId!));
        }

        foreach (var caller in _calls.Values)
        {
            caller.Tell(new Status.Failure(new RemoteObjectException("The remote object's client was stopped.", _executor)));
        }
    }

    private void Reply(long callId, object reply)
    {
        if (_calls.Remove(callId, out var caller))
        {
            caller.Tell(reply);
        }
    }

    private sealed class CloseTimedOut
    {
        public static readonly CloseTimedOut Instance = new();

        private CloseTimedOut()
        {
        }
    }
}
