#pragma warning disable CS1591, CA1822, IDE0060
using AkkaMedia.Deployment;

namespace AkkaMedia.Executor.Deployment;

// Temporary: seam signatures until the packaging branch is merged. Deleted then.
public sealed class PackageStore
{
    public bool TryGetPath(PackageEntry entry, out string path) => throw new NotImplementedException();

    public IDisposable Lease(IEnumerable<PackageEntry> entries) => throw new NotImplementedException();
}

public sealed record SandboxViolation(string Assembly, string Type, string Member, string Rule);

public sealed class SandboxPolicy
{
    public IReadOnlyList<SandboxViolation> Check(IEnumerable<string> assemblyPaths) => throw new NotImplementedException();
}
