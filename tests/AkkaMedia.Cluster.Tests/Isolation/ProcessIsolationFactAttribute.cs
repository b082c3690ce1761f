using System.Diagnostics;

namespace AkkaMedia.Cluster.Tests.Isolation;

/// <summary>
/// A fact about executor processes that run shipped code in bubblewrap worker processes (<c>isolation = process</c>):
/// it runs on Linux as root with a working <c>/usr/bin/bwrap</c>, and is skipped elsewhere with the reason. The same
/// rule as the executor specs' <c>IsolationFactAttribute</c> (without cgroups), plus a check that bubblewrap can make
/// the sandbox a worker gets, since an executor process that cannot would only fail to start.
/// </summary>
public sealed class ProcessIsolationFactAttribute : FactAttribute
{
    private const string Bwrap = "/usr/bin/bwrap";

    private static readonly Lazy<string?> Reason = new(() =>
        !OperatingSystem.IsLinux() ? "worker sandboxes exist only on Linux"
        : !IsRoot() ? "needs root (bubblewrap namespaces and cgroup folders); CI runs as root"
        : !File.Exists(Bwrap) ? $"needs bubblewrap at {Bwrap} (apt-get install bubblewrap)"
        : BwrapProblem());

    public override string? Skip
    {
        get => base.Skip ?? Reason.Value;
        set => base.Skip = value;
    }

    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) == "0";

    /// <summary>Runs <c>true</c> in a sandbox with the namespaces a worker's has; null when it works, else why not.</summary>
    private static string? BwrapProblem()
    {
        var start = new ProcessStartInfo(Bwrap) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Bwrap} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill(entireProcessTree: true);
            return $"{Bwrap} did not make a sandbox within 20 s";
        }

        return process.ExitCode == 0 ? null : $"{Bwrap} cannot make a worker's sandbox here (exit code {process.ExitCode}): {error.Result.Trim()}";
    }
}
