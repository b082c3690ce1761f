namespace AkkaMedia.Remote.Link;

/// <summary>How the owner of a <see cref="LinkChannelStage"/> binds it once its session is placed, or fails it. Thread-safe.</summary>
internal interface ILinkStageControl
{
    /// <summary>Executor side: the client opened <paramref name="channel"/> of <paramref name="link"/> for this stage.</summary>
    void Bind(MediaLink link, int channel);

    /// <summary>
    /// Client side: registers <paramref name="channel"/>, asks the executor to bind it to <paramref name="sessionId"/>,
    /// then binds the stage. In this order nothing the stage or its peer sends can reach an unregistered channel.
    /// </summary>
    void Open(MediaLink link, int channel, string sessionId);

    void Fail(Exception cause);
}
