namespace AkkaMedia.Remote.Transport;

/// <summary>The stage's data path is ready to be offered to executors: its <see cref="RemoteStageActor"/> starts placing the session.</summary>
internal sealed record DataPathReady(IRemoteDataPath Path);
