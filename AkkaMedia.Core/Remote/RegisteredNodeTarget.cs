using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote;

/// <summary>A node type from the executor's registry, built there from HOCON settings.</summary>
internal sealed class RegisteredNodeTarget(string nodeType, string settings) : RemoteStageTarget
{
    public override string Name => nodeType;

    public override Task<object> PrepareOpenAsync(ActorSystem system, string executorAddress, string sessionId, RemoteTransport transport, ISourceRef<object>? input, IActorRef client, TimeSpan openTimeout, TraceContext trace) =>
        Task.FromResult<object>(new OpenSession(sessionId, nodeType, settings, transport, input, client, trace.Parent, trace.State));
}
