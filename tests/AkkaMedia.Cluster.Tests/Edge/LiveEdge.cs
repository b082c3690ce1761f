namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A class fixture: an executor node and <c>akkamedia serve hocon/pipelines/live-loopback.conf</c> joined to it, both
/// real processes, and a fake microphone playing a chirp (<see cref="FakeMicrophone"/>).
/// </summary>
public sealed class LiveEdge() : EdgeProcesses(Pipeline)
{
    /// <summary>The pipeline the browser specs serve.</summary>
    public const string Pipeline = "pipelines/live-loopback.conf";

    /// <inheritdoc />
    protected override Task WriteMicrophoneAsync(string path)
    {
        FakeMicrophone.WriteWav(path);
        return Task.CompletedTask;
    }
}
