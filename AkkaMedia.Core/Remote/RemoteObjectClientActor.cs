using System.Diagnostics;
using Akka.Actor;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;
using Akka.Event;
using AkkaMedia.Remote.Placement;
using AkkaMedia.Remote.Transport;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Remote;

/// <summary>
/// The client end of one remote object: places its session on an executor (with <see cref="ExecutorPlacement"/>:
/// uploads the code there, opens the session, tries the next executor when one is at capacity), numbers the
/// calls, routes each reply to its caller, watches the session (a session that stops or whose executor dies
/// fails every pending call at once), and closes the session when the remote object is disposed or this actor
/// stops.
/// </summary>
/// <remarks>The executor watches this actor: when the client's process dies, the session stops.</remarks>
internal sealed class RemoteObjectClientActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, IActorRef> _calls = [];
    private readonly CancellationTokenSource _stopped = new();
    private Deploy? _deploy;
    private IActorRef? _deployer;
    private ExecutorPlacement? _placement;
    private string? _opening;
    private string? _sessionId;
    private IActorRef? _session;
    private string? _executor;
    private string? _ended;
    private IActorRef? _closer;
    private LinkCallClient? _linkCalls;
    private long _nextCall;

    public RemoteObjectClientActor()
    {
        Receive<Deploy>(deploy =>
        {
            _deploy = deploy;
            _deployer = Sender;
            var settings = deploy.Settings;
            _placement = new ExecutorPlacement(Context.System, Self, $"remote object of {deploy.TypeName}", settings.ExecutorRole, settings.OpenTimeout, settings.Executor, deploy.Span,
                static (message, executor) => new RemoteObjectException(message, executor));
            _placement.FindCandidates();
        });
        Receive<ExecutorPlacement.Candidates>(found => Follow(_placement!.Start(found)));
        Receive<Status.Failure>(failure =>
        {
            // Only the directory's failure to answer comes as one, while the deploy waits for its candidates.
            if (_deployer is not null)
            {
                GiveUp(failure.Cause);
            }
        });
        Receive<Prepared>(prepared =>
        {
            if (_placement!.IsCurrent(prepared.Address))
            {
                var deploy = _deploy!;
                var request = new OpenObjectSession(
                    RemoteNode.NewSessionId(), deploy.Package.EntryAssembly, deploy.Package.Entries, deploy.Object, deploy.Settings.CallTimeout ?? TimeSpan.Zero, Self, deploy.Trace)
                {
                    Signature = prepared.Signature,
                };
                _opening = request.SessionId;
                prepared.Executor.Tell(request, Self);
                _placement.AwaitAnswer(deploy.Settings.DeployAnswerTimeout);
            }
        });
        Receive<NotPrepared>(failed => Follow(_placement!.NotPrepared(failed.Address, failed.Error)));
        Receive<ExecutorPlacement.AttemptTimedOut>(timedOut => Follow(_placement!.TimedOut(timedOut)));
        Receive<ObjectSessionOpened>(opened =>
        {
            if (_opening == opened.SessionId && _session is null)
            {
                _opening = null;
                _placement!.Placed();
                _sessionId = opened.SessionId;
                _session = opened.Session;
                _executor = opened.Session.Path.Address.ToString();
                Context.Watch(_session);
                var link = _deploy!.Settings.Link;
                if (opened.LinkEndpoint is { } endpoint && link.Transport == RemoteTransport.MediaLink)
                {
                    ConnectCalls(endpoint, opened, link);
                    return;
                }

                ReportDeployed(opened.CallTimeout);
                return;
            }

            // An answer that arrives after the deploy gave up on it: nobody will use that session.
            opened.Session.Tell(new CloseSession(opened.SessionId));
        });
        Receive<CallsConnected>(connected =>
        {
            if (_deployer is null || _session is null)
            {
                // The session ended (or the client stopped the deploy) while the link connected.
                connected.Calls?.Close("The remote object's session ended before its deploy finished.");
                return;
            }

            _linkCalls = connected.Calls;
            ReportDeployed(connected.CallTimeout);
        });
        Receive<SessionRefused>(refused =>
        {
            if (_opening == refused.SessionId)
            {
                _opening = null;
                Follow(_placement!.Refused(refused));
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

            // A session that stopped tells its call channel itself, after the replies of the calls it ran (the
            // termination may overtake them: it travels on another connection); a dead executor tells nothing.
            if (terminated.AddressTerminated)
            {
                _linkCalls?.Fail(_ended);
            }

            _session = null;
            if (_deployer is not null)
            {
                GiveUp(new RemoteObjectException(_ended, _executor));
                return;
            }

            if (_closer is not null)
            {
                _closer.Tell(Closed.Instance);
                Context.Stop(Self);
            }
        });
        Receive<Close>(_ =>
        {
            _ended ??= "The remote object has been disposed.";
            _linkCalls?.Refuse(_ended);
            if (_session is null)
            {
                Sender.Tell(Closed.Instance);
                Context.Stop(Self);
                return;
            }

            _closer = Sender;
            _session.Tell(new CloseSession(_sessionId!), Self);
            Timers.StartSingleTimer(CloseTimedOut.Instance, CloseTimedOut.Instance, CloseWait);

            // The session ends its call channel once its last call has been answered and its object dropped, before it
            // unloads: that is the end the disposer waits for, ahead of the DeathWatch notification (which stays the
            // fallback, and the only sign without the link).
            _linkCalls?.Closed.ContinueWith(static _ => CallsClosed.Instance, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).PipeTo(Self);
        });
        Receive<CallsClosed>(_ =>
        {
            if (_closer is null || _session is null)
            {
                return;
            }

            Context.Unwatch(_session);
            _session = null;
            _closer.Tell(Closed.Instance);
            Context.Stop(Self);
        });
        Receive<CloseTimedOut>(_ =>
        {
            _closer?.Tell(Closed.Instance);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Place the object: upload <paramref name="Package"/> to an executor and open a session there on
    /// <paramref name="Object"/> (<paramref name="TypeName"/> in errors), tracing into <paramref name="Span"/> and sending
    /// <paramref name="Trace"/>. Answered with <see cref="Deployed"/>, or with <see cref="Status.Failure"/> after which
    /// this actor stops.
    /// </summary>
    public sealed record Deploy(CodePackage Package, byte[] Object, string TypeName, RemoteObjectSettings Settings, TraceContext Trace, Activity? Span);

    /// <summary>
    /// The object is live in session <paramref name="SessionId"/> on <paramref name="Executor"/>; calls time out after
    /// <paramref name="CallTimeout"/>. They go over <paramref name="LinkCalls"/> when it is there, else as messages to this actor.
    /// </summary>
    public sealed record Deployed(string SessionId, string Executor, TimeSpan CallTimeout, LinkCallClient? LinkCalls);

    /// <summary>Run <paramref name="Request"/> (an <see cref="InvokeObject"/> or <see cref="GetObjectState"/>; its call id is assigned here); answer the asker with the reply.</summary>
    public sealed record Call(IObjectSessionMessage Request);

    /// <summary>
    /// Close the session; answered with <see cref="Closed"/> once it has ended: its call channel is over (its last call
    /// answered, its object dropped), or, without the link, its actor has stopped; or after a bounded wait.
    /// </summary>
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
        _stopped.Cancel();
        if (_session is not null)
        {
            // Stopped while the session lives (the actor system stops): nothing will answer the calls made.
            _linkCalls?.Fail("The remote object's client was stopped.");
        }

        _placement?.Cancel();
        _deployer?.Tell(new Status.Failure(new RemoteObjectException("The remote object's client was stopped before the object was deployed.", _placement?.Executor)));
        if (_session is not null)
        {
            _session.Tell(new CloseSession(_sessionId!));
        }

        foreach (var caller in _calls.Values)
        {
            caller.Tell(new Status.Failure(new RemoteObjectException("The remote object's client was stopped.", _executor)));
        }
    }

    /// <summary>Answers the deploy: the object is live.</summary>
    private void ReportDeployed(TimeSpan callTimeout)
    {
        _deployer!.Tell(new Deployed(_sessionId!, _placement!.Executor!, callTimeout, _linkCalls));
        _deployer = null;
    }

    /// <summary>
    /// Opens the session's call channel on the media link to <paramref name="endpoint"/> (shared with the remote stages to
    /// that executor, connected if there is none). A link that cannot be connected leaves the calls on Akka.Remote, with a
    /// warning: the object works, only slower.
    /// </summary>
    private void ConnectCalls(string endpoint, ObjectSessionOpened opened, RemoteStageSettings link)
    {
        var system = Context.System;
        var executor = _executor!;
        var log = Context.GetLogger();
        LinkClient.Get(system).GetAsync(endpoint, executor, link.HeartbeatInterval, link.IdleTimeout, link.OpenTimeout).ContinueWith(
            connected =>
            {
                if (connected.IsCompletedSuccessfully)
                {
                    return new CallsConnected(LinkCallClient.Open(connected.Result, LinkClient.Get(system).NextChannel(), opened.SessionId, executor), opened.CallTimeout);
                }

                log.Warning(
                    "Remote object session {0}: the media link to executor {1} at {2} could not be connected ({3}); its calls go over Akka.Remote instead",
                    opened.SessionId, executor, endpoint, connected.Exception?.GetBaseException().Message ?? "cancelled");
                return new CallsConnected(null, opened.CallTimeout);
            },
            TaskScheduler.Default).PipeTo(Self);
    }

    /// <summary>Does what the placement decided: upload to the next executor, or give up.</summary>
    private void Follow(PlacementStep step) => step.Apply(TryExecutor, GiveUp);

    private void TryExecutor(string address)
    {
        _opening = null;
        var deploy = _deploy!;
        var system = Context.System;
        var cancel = _stopped.Token;

        // Inside the deploy's span, so that the upload is traced as its child.
        using (MediaTracing.Enter(deploy.Span))
        {
            PrepareAsync(system, address, deploy, cancel)
                .PipeTo(Self, success: ready => new Prepared(address, ready.Executor, ready.Signature), failure: e => new NotPrepared(address, e));
        }
    }

    /// <summary>
    /// Uploads what the package store of the executor at <paramref name="address"/> lacks of the code, addressing the
    /// executor actor by its path: the offer finds it (no round trip of its own to resolve it), and an offer unanswered
    /// within the open timeout means no executor is there (<see cref="AskTimeoutException"/>: the placement tries the
    /// next). A package with nothing to ship sends no offer; its executor is resolved instead. Also returns the package's
    /// signature when this node signs (<c>akka-media.deploy.signing-key</c>), for the open request.
    /// </summary>
    private static async Task<(ICanTell Executor, PackageSignature? Signature)> PrepareAsync(ActorSystem system, string address, Deploy deploy, CancellationToken cancellationToken)
    {
        var path = address + ExecutorDirectoryActor.ExecutorPath;
        var signature = PackageSigner.SignatureFor(system, deploy.Package);
        if (deploy.Package.Entries.Count == 0)
        {
            return (await system.ActorSelection(path).ResolveOne(deploy.Settings.OpenTimeout, cancellationToken).ConfigureAwait(false), signature);
        }

        var executor = system.ActorSelection(path);
        try
        {
            await PackageUploader.UploadAsync(system, executor, address, deploy.Package, deploy.Settings.UploadTimeout, deploy.Settings.OpenTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (PackageRejectedException e)
        {
            throw new RemoteObjectException($"Executor {address} rejected the code of {deploy.TypeName}: {e.Message}", address, e);
        }

        return (executor, signature);
    }

    private void GiveUp(Exception error)
    {
        _opening = null;
        _deployer?.Tell(new Status.Failure(error));
        _deployer = null;
        Context.Stop(Self);
    }

    private void Reply(long callId, object reply)
    {
        if (_calls.Remove(callId, out var caller))
        {
            caller.Tell(reply);
        }
    }

    /// <summary>The session's call channel is open (<paramref name="Calls"/>), or calls stay on Akka.Remote (null).</summary>
    private sealed record CallsConnected(LinkCallClient? Calls, TimeSpan CallTimeout);

    /// <summary>
    /// The code is on the executor at <paramref name="Address"/>, whose executor actor is <paramref name="Executor"/> (a
    /// reference or a selection); <paramref name="Signature"/> signs its manifest, or is null when this node signs nothing.
    /// </summary>
    private sealed record Prepared(string Address, ICanTell Executor, PackageSignature? Signature);

    /// <summary>Readying the executor at <paramref name="Address"/> failed with <paramref name="Error"/>.</summary>
    private sealed record NotPrepared(string Address, Exception Error);

    /// <summary>The session's call channel on the media link is over (see <see cref="LinkCallClient.Closed"/>).</summary>
    private sealed class CallsClosed
    {
        public static readonly CallsClosed Instance = new();

        private CallsClosed()
        {
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
