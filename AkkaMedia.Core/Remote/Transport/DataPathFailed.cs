namespace AkkaMedia.Remote.Transport;

/// <summary>The stage's data path could not reach the executor's session: the stage fails with <paramref name="Error"/>.</summary>
internal sealed record DataPathFailed(RemoteStageException Error);
