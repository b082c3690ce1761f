#pragma warning disable CS1591, CA1822, IDE0060
namespace AkkaMedia.Executor.Deployment;

// Temporary: seam signatures until the sandbox policy is merged. Deleted then.
public sealed record SandboxViolation(string Assembly, string Type, string Member, string Rule);

public sealed class SandboxPolicy
{
    public IReadOnlyList<SandboxViolation> Check(IEnumerable<string> assemblyPaths) => [];
}
