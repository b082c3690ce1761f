using System.Diagnostics;
using Akka.Event;
using AkkaMedia.Executor.Isolation;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>How a launcher starts: the checks it makes once (bubblewrap present and usable), what it logs, and what a worker's start costs.</summary>
public sealed class WorkerLauncherSpec(ITestOutputHelper output) : IDisposable
{
    private readonly IsolatedWorkers _workers = new();

    public void Dispose() => _workers.Dispose();

    [Fact]
    public void A_missing_bubblewrap_must_fail_the_start_naming_the_fix()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance, bubblewrap: "/nonexistent/bwrap", useCgroups: false));

        Assert.Contains("/nonexistent/bwrap was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap, or set akka-media.executor.workers.sandbox = none", error.Message, StringComparison.Ordinal);
    }

    [IsolationFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void An_unusable_bubblewrap_must_fail_the_start_with_what_it_said()
    {
        var fake = Path.Combine(_workers.Folder("bin"), "bwrap");
        File.WriteAllText(fake, "#!/bin/sh\necho 'bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n");
        // Executable by the user workers run as (nobody under a root executor), who runs the start-up probe.
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var error = Assert.Throws<InvalidOperationException>(() =>
            WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance, bubblewrap: fake, useCgroups: false));

        Assert.Contains("cannot make a sandbox on this host (exit code 1: bwrap: No permissions to create new namespace", error.Message, StringComparison.Ordinal);
        Assert.Contains("akka-media.executor.workers.sandbox = none", error.Message, StringComparison.Ordinal);

        // A root executor probes as the user its workers run as, and names that key and user namespaces as fixes too.
        Assert.Contains("akka-media.executor.workers.run-as", error.Message, StringComparison.Ordinal);
        Assert.Contains("kernel.unprivileged_userns_clone", error.Message, StringComparison.Ordinal);
    }

    [IsolationFact]
    public void Without_a_sandbox_the_launcher_must_warn_once_that_shipped_code_is_not_confined()
    {
        var log = new RecordingLog();

        WorkerLauncher.Create(IsolatedWorkers.Settings("sandbox = none"), log);

        var warning = Assert.Single(log.Lines, l => l.Level == LogLevel.WarningLevel && l.Text.Contains("without a sandbox", StringComparison.Ordinal));
        Assert.Contains("akka-media.executor.workers.sandbox = none", warning.Text, StringComparison.Ordinal);
    }

    [IsolationFact]
    public void A_worker_id_that_is_not_a_plain_name_must_be_refused()
    {
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance, bubblewrap: null, useCgroups: false);

        Assert.Throws<ArgumentException>(() => launcher.Start(new WorkerStartInfo("../escape", [], [], [])));
    }

    /// <summary>Not a pass/fail figure: the start-to-exit time of a trivial .NET worker, for sizing the warm pool (workers.warm).</summary>
    [IsolationFact(NeedsCgroups = true)]
    public async Task The_start_time_of_a_dotnet_worker_is_reported_with_and_without_bubblewrap()
    {
        var plain = WorkerLauncher.Create(TestWorkerProgram.Path);
        var none = WorkerLauncher.Create(IsolatedWorkers.Settings("sandbox = none"), NoLogger.Instance);
        var bubblewrap = WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance);
        foreach (var (name, launcher) in new[] { ("plain child process", plain), ("cgroups, no sandbox", none), ("cgroups + bubblewrap", bubblewrap) })
        {
            var times = new List<double>();
            for (var run = 0; run < 7; run++)
            {
                var clock = Stopwatch.StartNew();
                var exit = await IsolatedWorkers.Ended(_workers.Keep(launcher.Start(new WorkerStartInfo(IsolatedWorkers.NewId(), ["hello"], [], []))));
                times.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal(0, exit.ExitCode);
            }

            times.Sort();
            output.WriteLine($"{name}: start to exit of a hello-world worker, median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms (7 runs)");
        }
    }
}
