using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// One shipped user node on the executor: once its code has loaded (see <see cref="CodeSessionActor"/>; the load is
/// bounded by the executor's call timeout), runs the node exactly like a registered node, in a <see cref="SessionActor"/>
/// child that answers the client, and passes it the session's close, kill and abort messages. When that child stops
/// (stream ended, client closed or gone, killed by an operator), this actor stops and unloads the code.
/// The child counts its frames in the session's <see cref="SessionMetrics"/> and takes over the session's
/// <c>akkamedia.session.start</c> span. A node killed while loading stops; one aborted while loading (a drain timed
/// out) is refused as <see cref="RefusalReason.ShuttingDown"/>, so the client may open it on another executor.
/// </summary>
internal sealed class ShippedNodeSessionActor : CodeSessionActor
{
    private readonly OpenNodeSession _request;
    private readonly ISessionTransport _transport;

    public ShippedNodeSessionActor(OpenNodeSession request, UserCodeHost host, ISessionTransport transport, SessionMetrics metrics, Activity? span)
        : base("node", new CodeSessionRequest(request.SessionId, request.EntryAssembly, request.Entries, request.Node, request.Client), host, host.Settings.CallTimeout, metrics, span)
    {
        _request = request;
        _transport = transport;

        Receive<ExecutorActor.KillSession>(_ => Context.Stop(Self));
        Receive<AbortSession>(abort =>
        {
            Metrics.Error(ExecutorErrorKind.DrainTimeout);
            _request.Client.Tell(new SessionRefused(_request.SessionId, RefusalReason.ShuttingDown, abort.Message));
            Context.Stop(Self);
        });
    }

    /// <summary>The session's stream actor is stopped when it throws, never restarted (<see cref="SessionSupervision"/>).</summary>
    protected override SupervisorStrategy SupervisorStrategy() => SessionSupervision.Strategy;

    protected override void Started(LoadedObject loaded)
    {
        var (flow, name) = ShippedNodeFlow.Create(loaded.Holder, _request.Checkpoints);
        Log.Info("Shipped node {NodeName} of {EntryAssembly} loaded", name, _request.EntryAssembly);
        var open = new OpenSession(_request.SessionId, name, string.Empty, _request.Transport, _request.Input, _request.Client, _request.Trace.Parent, _request.Trace.State);
        var span = CodeLoaded();
        span?.SetTag(MediaTracing.NodeTypeTag, name);
        var (transport, metrics) = (_transport, Metrics);
        var stream = Context.ActorOf(Props.Create(() => new SessionActor(open, flow, transport, metrics, span)), "stream");
        Context.Watch(stream);
        Become(() => Streaming(stream));
    }

    private void Streaming(IActorRef stream)
    {
        Receive<CloseSession>(close => stream.Forward(close));
        Receive<ExecutorActor.KillSession>(kill => stream.Forward(kill));
        Receive<AbortSession>(abort => stream.Forward(abort));
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(stream))
            {
                Context.Stop(Self);
            }
        });
    }
}
