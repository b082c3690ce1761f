using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Executor.Sessions.Transports;

/// <summary>
/// Sessions over StreamRefs: the executor subscribes to the client's input SourceRef and offers the node's output as a
/// SourceRef of its own, answered in <see cref="SessionOpened.Output"/>. Both directions carry heartbeats when idle;
/// a client silent for the idle timeout (<see cref="StreamLiveness"/>) fails the session. Always available.
/// </summary>
internal sealed class StreamRefsSessionTransport(ExecutorSettings settings) : ISessionTransport
{
    private readonly LivenessSettings _liveness = new(settings.HeartbeatInterval, settings.IdleTimeout);

    public RemoteTransport Kind => RemoteTransport.StreamRefs;

    public string Name => TransportNames.Of(Kind);

    public Task Start(SessionStreamContext context, Flow<object, object, NotUsed> node)
    {
        var input = context.Request.Input ?? throw new InvalidOperationException($"Session {context.SessionId} asked for StreamRefs without an input SourceRef.");
        var sessionId = context.SessionId;
        var idle = _liveness.IdleTimeout;
        var (done, output) = input.Source
            .Via(StreamLiveness.Watch(_liveness, () => new TimeoutException($"Client of session {sessionId} sent nothing for {idle.TotalSeconds:0.#} s; the session is stopped.")))
            .Via(node)
            .Via(StreamLiveness.KeepAlive(_liveness))
            .WatchTermination(Keep.Right)
            .ToMaterialized(
                StreamRefs.SourceRef<object>().WithAttributes(StreamRefAttributes.CreateSubscriptionTimeout(settings.SubscriptionTimeout)),
                Keep.Both)
            .Run(context.Materializer);
        var session = context.Session;
        output.PipeTo(session, success: o => new SessionTransportReady(new SessionOpened(sessionId, o, session)), failure: e => new Status.Failure(e));
        return done;
    }

    public void Stopped(string sessionId)
    {
    }
}
