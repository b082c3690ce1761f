#pragma warning disable CS1591, CA1822, IDE0060
using System.Reflection;
using Akka.Actor;

namespace AkkaMedia.Deployment;

// Temporary: seam signatures until the packaging branch is merged. Deleted then.
public sealed record PackageEntry(string Name, string Version, string Sha256, long Length);

public sealed class CodePackage
{
    public string EntryAssembly { get; } = string.Empty;

    public IReadOnlyList<PackageEntry> Entries { get; } = [];

    public long TotalBytes { get; }
}

public static class DependencyAnalyzer
{
    public static CodePackage Analyze(Assembly entry) => throw new NotImplementedException();
}

public sealed record PackageUploadResult(int EntriesSent, long BytesSent);

public sealed class PackageRejectedException(string message) : Exception(message);

public static class PackageUploader
{
    public static Task<PackageUploadResult> UploadAsync(ActorSystem system, IActorRef executor, CodePackage package, TimeSpan timeout, CancellationToken ct = default) =>
        throw new NotImplementedException();
}

public sealed class UnresolvedDependencyException(string message) : Exception(message);
