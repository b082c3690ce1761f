namespace AkkaMedia.Fuzz.Tests;

/// <summary>One <see cref="FuzzEnvironment"/> (an actor system and the host's node registry) for every spec of a class.</summary>
public sealed class FuzzEnvironmentFixture : IDisposable
{
    internal FuzzEnvironment Environment { get; } = new();

    public void Dispose() => Environment.Dispose();
}
