using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote.Transport;

/// <summary>
/// The client half of one remote stage's data path: the one place where the transports differ on the client. The stage
/// builds one (<see cref="LinkDataPath"/> or <see cref="StreamRefsDataPath"/>) and hands it to its
/// <see cref="RemoteStageActor"/> with <see cref="DataPathReady"/>; the actor places the session and then only talks to
/// this interface. Members are called on the actor's thread; what they start reports back by message.
/// </summary>
internal interface IRemoteDataPath
{
    /// <summary>The transport, as named in the session request.</summary>
    RemoteTransport Transport { get; }

    /// <summary>The input the session request carries (StreamRefs), or null.</summary>
    ISourceRef<object>? Input { get; }

    /// <summary>
    /// True once the peer's end arrived (completion, failure, cancellation) or the connection was lost: the stage ends
    /// without further word from the executor. Read from any thread.
    /// </summary>
    bool PeerEnded { get; }

    /// <summary>How long after <see cref="Connect"/> the elements must flow before the stage fails with <see cref="NotConnected"/>.</summary>
    TimeSpan ConnectTimeout { get; }

    /// <summary>
    /// The executor opened the session on <paramref name="executor"/>: connect the stage to it. Returns true when elements
    /// flow at once; otherwise tells <paramref name="owner"/> <see cref="DataPathOpen"/> once they do, or
    /// <see cref="DataPathFailed"/> when it cannot connect.
    /// </summary>
    bool Connect(SessionOpened opened, string executor, IActorRef owner);

    /// <summary>The failure when the data path did not open within <see cref="ConnectTimeout"/>.</summary>
    RemoteStageException NotConnected(string executor);

    /// <summary>Fails the stage's stream with <paramref name="error"/> (both directions).</summary>
    void Fail(RemoteStageException error);

    /// <summary>
    /// The session's executor is gone (its node left the cluster): a stage with failover reports
    /// <see cref="RemoteStageActor.FailingOver"/> to its actor and waits to be connected again; any other fails with
    /// <paramref name="error"/>.
    /// </summary>
    void ExecutorLost(RemoteStageException error);

    /// <summary>The stage actor stopped; a stream still waiting for its session fails saying so.</summary>
    void Stopped(string? executor);
}
