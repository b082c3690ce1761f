using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions.Transports;

/// <summary>What a transport needs to run one session's stream.</summary>
/// <param name="Request">The session request (its id, transport and, for StreamRefs, the client's input).</param>
/// <param name="Session">The session's actor: receives <see cref="SessionTransportReady"/> and <see cref="SessionTransportFailed"/>.</param>
/// <param name="Materializer">Runs the stream; owned by the executor's actor system.</param>
internal sealed record SessionStreamContext(OpenSession Request, IActorRef Session, IMaterializer Materializer)
{
    /// <summary>The session's id.</summary>
    public string SessionId => Request.SessionId;
}
