using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// A fact about real sandboxed processes: it runs on Linux as root (bubblewrap's namespaces, cgroup folders); elsewhere
/// it is skipped with the reason. With <see cref="NeedsCgroups"/> it also needs writable memory, cpu and pids cgroups.
/// On this machine and in CI (root, cgroup v1) every such fact runs.
/// </summary>
public sealed class IsolationFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> NotRoot = new(() =>
        !OperatingSystem.IsLinux() ? "worker sandboxes exist only on Linux"
        : !IsRoot() ? "needs root (bubblewrap namespaces and cgroup folders); CI runs as root"
        : null);

    private static readonly Lazy<string?> NoCgroups = new(() =>
    {
        var host = CgroupHost.Detect(out var problems);
        return new[] { "memory", "cpu", "pids" }.All(host.Controllers.Contains) ? null : "needs writable memory, cpu and pids cgroups: " + string.Join("; ", problems);
    });

    /// <summary>Whether the fact needs the worker cgroups (limits) and not only the sandbox.</summary>
    public bool NeedsCgroups { get; set; }

    public override string? Skip
    {
        get => base.Skip ?? SkipReason(NeedsCgroups);
        set => base.Skip = value;
    }

    /// <summary>Why a fact or theory that needs worker sandboxes (and with <paramref name="needsCgroups"/> their cgroups) cannot run here; null when it can.</summary>
    internal static string? SkipReason(bool needsCgroups) => NotRoot.Value ?? (needsCgroups ? NoCgroups.Value : null);

    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) == "0";
}
