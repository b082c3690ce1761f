using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Diagnostics;

namespace AkkaMedia.Remote;

/// <summary>What a remote stage runs on an executor, and how to ask an executor for it.</summary>
internal abstract class RemoteStageTarget
{
    /// <summary>The name used in stage names and error messages.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Readies executor <paramref name="executorAddress"/> (for shipped code: uploads what it lacks) and
    /// returns the request that opens the session there, answered to <paramref name="client"/> and carrying
    /// <paramref name="trace"/> to the executor.
    /// </summary>
    public abstract Task<object> PrepareOpenAsync(ActorSystem system, string executorAddress, string sessionId, RemoteTransport transport, ISourceRef<object>? input, IActorRef client, TimeSpan openTimeout, TraceContext trace);
}
