using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Link;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// One shipped user node on the executor: loads its code into a load context of its own, deserializes
/// the node there (on a thread of its own, bounded by the call timeout), then runs it exactly like a
/// registered node, in a <see cref="SessionActor"/> child that answers the client. When that child
/// stops (stream ended, client closed or gone, killed by an operator), this actor stops and unloads the code.
/// The child counts its frames in the session's <see cref="SessionMetrics"/>; the load counts as a deploy.
/// The load is an <c>akkamedia.code.load</c> span under the request's <c>akkamedia.session.start</c> span, which
/// passes to the child once the node is loaded (or ends here, failed, when it is refused).
/// </summary>
internal sealed class ShippedNodeSessionActor : ReceiveActor, IWithTimers
{
    private readonly OpenNodeSession _request;
    private readonly UserCodeHost _host;
    private readonly LoadSlot<LoadedObject> _slot = new();
    private readonly ILoggingAdapter _log;
    private readonly SessionMetrics _metrics;
    private LoadedObject? _loaded;
    private IActorRef? _stream;
    private Activity? _span;
    private Activity? _load;

    public ShippedNodeSessionActor(OpenNodeSession request, UserCodeHost host, ExecutorSettings settings, LinkServer? linkServer, SessionMetrics metrics, Activity? span)
    {
        _request = request;
        _span = span;
        _host = host;
        _log = SessionLog.For(Context, request.SessionId);
        _metrics = metrics;

        Receive<Loaded>(_ =>
        {
            Timers.Cancel(LoadTimedOut.Instance);
            _loaded = _slot.Take();
            if (_loaded is null)
            {
                Context.Stop(Self);
                return;
            }

            try
            {
                var (flow, name) = ShippedNodeFlow.Create(_loaded.Holder);
                _log.Info("Shipped node {NodeName} of {EntryAssembly} loaded", name, _request.EntryAssembly);
                var open = new OpenSession(_request.SessionId, name, string.Empty, _request.Input, _request.Client, _request.Trace.Parent, _request.Trace.State);
                _metrics.CodeLoaded();
                _load?.Stop();
                _load = null;
                var span = _span;
                _span = null;
                span?.SetTag(MediaTracing.NodeTypeTag, name);
                _stream = Context.ActorOf(Props.Create(() => new SessionActor(open, flow, settings, linkServer, metrics, span)), "stream");
                Context.Watch(_stream);
            }
            catch (CodeRejectedException e)
            {
                Refuse(e.Message, e);
            }
        });
        Receive<Status.Failure>(failure => Refuse(
            failure.Cause is CodeRejectedException
                ? failure.Cause.Message
                : $"The node could not be loaded on the executor: {failure.Cause.GetType().FullName}: {failure.Cause.Message}",
            failure.Cause));
        Receive<LoadTimedOut>(_ => Refuse(
            $"Loading and deserializing the node did not finish within {host.Settings.CallTimeout.TotalSeconds:0.#} s (a static constructor or deserialization callback hangs?).", null));
        Receive<CloseSession>(close =>
        {
            if (_stream is null)
            {
                Context.Stop(Self);
            }
            else
            {
                _stream.Forward(close);
            }
        });
        Receive<ExecutorActor.KillSession>(kill =>
        {
            if (_stream is null)
            {
                Context.Stop(Self);
            }
            else
            {
                _stream.Forward(kill);
            }
        });
        Receive<AbortSession>(abort =>
        {
            if (_stream is null)
            {
                // Still loading: the client has no stream yet and may open one on another executor.
                _metrics.Error(ExecutorErrorKind.DrainTimeout);
                _request.Client.Tell(new SessionRefused(_request.SessionId, RefusalReason.ShuttingDown, abort.Message));
                Context.Stop(Self);
            }
            else
            {
                _stream.Forward(abort);
            }
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_stream) || (_stream is null && t.ActorRef.Equals(_request.Client)))
            {
                Context.Stop(Self);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.Watch(_request.Client);
        var request = _request;
        _load = CodeLoadSpan.Start(_span, request.EntryAssembly, request.Entries.Count);
        LoadedObject.LoadAsync(_host, request.SessionId, request.EntryAssembly, request.Entries, request.Node, _slot)
            .PipeTo(Self, success: () => Loaded.Instance, failure: e => new Status.Failure(e));
        Timers.StartSingleTimer(LoadTimedOut.Instance, LoadTimedOut.Instance, _host.Settings.CallTimeout);
    }

    protected override void PostStop()
    {
        // Children (the stream's session) have stopped before this runs: nothing uses the code any more.
        _slot.Abandon();
        _loaded?.Dispose();
        _load?.Stop();
        _span?.Stop();
    }

    private void Refuse(string message, Exception? cause)
    {
        _log.Warning("Shipped node of {EntryAssembly} refused: {Reason}", _request.EntryAssembly, message);
        _metrics.CodeRefused(cause);
        CodeLoadSpan.Refused(ref _load, ref _span, message, cause);
        _request.Client.Tell(new SessionRefused(_request.SessionId, RefusalReason.CodeRejected, message));
        Context.Stop(Self);
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
