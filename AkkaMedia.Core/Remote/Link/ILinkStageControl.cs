namespace AkkaMedia.Remote.Link;

/// <summary>How the owner of a <see cref="LinkChannelStage"/> binds it once its session is placed, or fails it. Thread-safe.</summary>
internal interface ILinkStageControl
{
    void Bind(MediaLink link, int channel);

    void Fail(Exception cause);
}
