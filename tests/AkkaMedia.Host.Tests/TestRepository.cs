using System.Reflection;

namespace AkkaMedia.Host.Tests;

/// <summary>The repository these specs were built from (its hocon/ pipelines).</summary>
internal static class TestRepository
{
    public static string Root { get; } = typeof(TestRepository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;
}
