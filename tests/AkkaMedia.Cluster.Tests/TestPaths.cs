using System.Reflection;

namespace AkkaMedia.Cluster.Tests;

/// <summary>Where the specs find the <c>akkamedia</c> binary and the repository's deployable files.</summary>
internal static class TestPaths
{
    /// <summary>
    /// <c>akkamedia.dll</c> as built beside this project (the project references the host so that it
    /// is built first); the environment variable <c>AKKAMEDIA_HOST</c> points elsewhere.
    /// </summary>
    public static string HostDll { get; } = Environment.GetEnvironmentVariable("AKKAMEDIA_HOST") is { Length: > 0 } path
        ? path
        : Metadata("AkkaMediaHost");

    /// <summary>The repository root (holds <c>hocon/</c>).</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>The build configuration of these specs and of everything built beside them (<c>Release</c>, <c>Debug</c>).</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>A file under the repository's <c>hocon/</c> folder.</summary>
    public static string Hocon(string relativePath) => Path.Combine(RepositoryRoot, "hocon", relativePath);

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing.");
}
