using System.ComponentModel;

namespace AkkaMedia.Protocol.Link;

/// <summary>How the owner of a <see cref="LinkChannelStage"/> binds it once its session is placed, or fails it. Thread-safe.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILinkStageControl
{
    /// <summary>
    /// Executor side: the client opened <paramref name="channel"/> of <paramref name="link"/> for this stage. When the stage
    /// has already stopped, the channel is not registered and the client is sent a failure saying why the stage ended.
    /// </summary>
    void Bind(MediaLink link, int channel);

    /// <summary>
    /// Client side: registers <paramref name="channel"/>, asks the executor to bind it to <paramref name="sessionId"/>,
    /// then binds the stage. In this order nothing the stage or its peer sends can reach an unregistered channel.
    /// </summary>
    /// <returns>False, with nothing registered or sent, when the stage has already stopped.</returns>
    bool Open(MediaLink link, int channel, string sessionId);

    /// <summary>Fails the stage with <paramref name="cause"/> (its stream and, once bound, its channel at the peer).</summary>
    void Fail(Exception cause);

    /// <summary>
    /// The executor of the stage's session is gone (its node left the cluster): a stage with failover moves its session
    /// to another executor, any other fails with <paramref name="cause"/>.
    /// </summary>
    void ExecutorLost(Exception cause);

    /// <summary>
    /// True once the peer's end of the channel arrived on the link (complete, cancel or failure) or the link was lost:
    /// the stage is bound to end without further word from the peer. Read from any thread.
    /// </summary>
    bool PeerEnded { get; }
}
