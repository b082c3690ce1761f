namespace AkkaMedia.Remote.Transport;

/// <summary>The stage's data path reached the executor's session (the media link channel was answered): the stage is open.</summary>
internal sealed class DataPathOpen
{
    /// <summary>The single instance.</summary>
    public static readonly DataPathOpen Instance = new();

    private DataPathOpen()
    {
    }
}
