using Akka.Event;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// The limits of <c>akka-media.executor.workers</c> on real processes: memory, process count, killing the whole tree,
/// and the cgroups removed once a worker is gone, with and without bubblewrap.
/// </summary>
public sealed class WorkerLimitsSpec : IDisposable
{
    private readonly IsolatedWorkers _workers = new();

    public void Dispose() => _workers.Dispose();

    [IsolationFact(NeedsCgroups = true)]
    public async Task A_worker_that_allocates_without_end_must_be_killed_for_its_memory_limit_naming_the_key()
    {
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings("memory-limit = 64 MiB"), NoLogger.Instance);

        // A shell string that doubles until the kernel's OOM killer ends it: native memory the GC knows nothing of.
        var worker = _workers.Shell(launcher, "x=0123456789abcdef; while :; do x=\"$x$x\"; done", owner: "session S-1");
        var exit = await IsolatedWorkers.Ended(worker);

        Assert.Equal(WorkerKillReason.MemoryLimit, exit.Reason);
        Assert.Equal("The worker of session S-1 exceeded its memory limit of 64 MiB (akka-media.executor.workers.memory-limit) and was killed.", exit.Message);
        Assert.All(worker.CgroupFolders, folder => Assert.False(Directory.Exists(folder), folder));
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task A_dotnet_worker_that_allocates_without_end_must_end_with_the_memory_limit()
    {
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings("memory-limit = 128 MiB"), NoLogger.Instance);

        var worker = _workers.Keep(launcher.Start(new WorkerStartInfo(IsolatedWorkers.NewId(), ["allocate"], [], [], "session S-2")));
        var exit = await IsolatedWorkers.Ended(worker);

        // The GC's heap hard limit (3/4 of the limit) makes user code meet OutOfMemoryException first: the worker exits 86.
        Assert.Equal(WorkerLauncher.OutOfMemoryExitCode, exit.ExitCode);
        Assert.Equal(WorkerKillReason.MemoryLimit, exit.Reason);
        Assert.Contains("128 MiB (akka-media.executor.workers.memory-limit)", exit.Message, StringComparison.Ordinal);
    }

    [IsolationFact]
    public async Task Without_cgroups_a_dotnet_worker_must_still_be_bounded_by_rlimit_and_the_heap_hard_limit()
    {
        var log = new RecordingLog();
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings("memory-limit = 256 MiB"), log, bubblewrap: null, useCgroups: false);

        var hello = await IsolatedWorkers.Ended(_workers.Keep(launcher.Start(new WorkerStartInfo(IsolatedWorkers.NewId(), ["hello"], [], []))));
        var greedy = await IsolatedWorkers.Ended(_workers.Keep(launcher.Start(new WorkerStartInfo(IsolatedWorkers.NewId(), ["allocate"], [], []))));

        Assert.Equal(0, hello.ExitCode);
        Assert.True(greedy.Reason == WorkerKillReason.MemoryLimit, greedy.Message);
        var warning = Assert.Single(log.Lines, l => l.Level == LogLevel.WarningLevel);
        Assert.Contains("RLIMIT_AS", warning.Text, StringComparison.Ordinal);
        Assert.Contains("NOT enforced: CPU (akka-media.executor.workers.cpu-limit), process count (akka-media.executor.workers.max-processes)", warning.Text, StringComparison.Ordinal);
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task A_fork_bomb_must_stop_at_max_processes_and_leave_nothing_when_killed()
    {
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings("max-processes = 24"), NoLogger.Instance);
        var scratch = _workers.Folder("scratch");

        // A subshell forks until a fork fails (which ends it); then the worker, still running, says so without forking.
        var worker = _workers.Shell(
            launcher,
            $"( while :; do sleep 1000 & done ) 2>/dev/null; echo stopped > {scratch}/stopped; exec sleep 1000",
            writable: [scratch]);
        await IsolatedWorkers.Until(worker, () => File.Exists(Path.Combine(scratch, "stopped")), "the fork loop hits max-processes");
        var pids = worker.ProcessIds();
        var refused = worker.ProcessLimitHits();
        worker.Kill(WorkerKillReason.SessionEnded, "The session has ended.");
        var exit = await IsolatedWorkers.Ended(worker);

        Assert.InRange(pids.Count, 20, 24);
        Assert.True(refused > 0, "no fork was refused");
        Assert.Equal(WorkerKillReason.SessionEnded, exit.Reason);
        Assert.All(pids, pid => Assert.False(IsolatedWorkers.Runs(pid), $"pid {pid} survived"));
        Assert.All(worker.CgroupFolders, folder => Assert.False(Directory.Exists(folder), folder));
    }

    [IsolationFact(NeedsCgroups = true)]
    public Task Kill_must_end_the_whole_sandboxed_tree_and_remove_the_cgroups() => KillsTheWholeTree("bubblewrap");

    [IsolationFact(NeedsCgroups = true)]
    public Task Kill_must_end_the_whole_tree_detached_children_included_without_a_sandbox() => KillsTheWholeTree("none");

    [IsolationFact(NeedsCgroups = true)]
    public async Task Usage_must_report_the_memory_and_cpu_of_the_worker_from_its_cgroups()
    {
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance);
        var scratch = _workers.Folder("scratch");
        var worker = _workers.Shell(launcher, $"i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; touch {scratch}/busy; exec sleep 1000", writable: [scratch]);
        await IsolatedWorkers.Until(worker, () => File.Exists(Path.Combine(scratch, "busy")), "the worker has used some CPU");

        var usage = worker.Usage();
        worker.Kill(WorkerKillReason.SessionEnded, "done");
        await IsolatedWorkers.Ended(worker);

        Assert.True(usage.MemoryBytes > 0, $"memory {usage.MemoryBytes}");
        Assert.True(usage.CpuTime > TimeSpan.Zero, $"cpu {usage.CpuTime}");
        Assert.Equal(default, worker.Usage());
    }

    [IsolationFact]
    public async Task Without_cgroups_usage_must_come_from_the_process_tree()
    {
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance, bubblewrap: null, useCgroups: false);
        var scratch = _workers.Folder("scratch");
        var worker = _workers.Shell(launcher, $"touch {scratch}/ready; exec sleep 1000", writable: [scratch]);
        await IsolatedWorkers.Until(worker, () => File.Exists(Path.Combine(scratch, "ready")), "the worker runs");

        var usage = worker.Usage();
        var pids = worker.ProcessIds();
        worker.Kill(WorkerKillReason.SessionEnded, "done");
        await IsolatedWorkers.Ended(worker);

        Assert.True(usage.MemoryBytes > 0, $"memory {usage.MemoryBytes}");
        Assert.Contains(worker.Pid, pids);
        Assert.True(pids.Count >= 3, $"the tree bwrap, its init and the worker: {string.Join(", ", pids)}");
        Assert.All(pids, pid => Assert.False(IsolatedWorkers.Runs(pid), $"pid {pid} survived"));
    }

    private async Task KillsTheWholeTree(string sandbox)
    {
        var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings($"sandbox = {sandbox}"), NoLogger.Instance);
        var scratch = _workers.Folder("scratch");

        // A child, a grandchild in a new session and a double-forked orphan: the ways a process leaves a plain process tree.
        var worker = _workers.Shell(
            launcher,
            $"sleep 1000 & setsid sh -c 'sleep 1000 & wait' & sh -c 'sleep 1000 &' ; touch {scratch}/ready; wait",
            writable: [scratch]);
        await IsolatedWorkers.Until(worker, () => File.Exists(Path.Combine(scratch, "ready")) && worker.ProcessIds().Count >= 5, "the worker's children run");
        var pids = worker.ProcessIds();
        worker.Kill(WorkerKillReason.CallTimeout, "The call ran past its timeout of 1s (akka-media.executor.objects.call-timeout).");
        var exit = await IsolatedWorkers.Ended(worker);

        Assert.Equal(WorkerKillReason.CallTimeout, exit.Reason);
        Assert.Equal("The call ran past its timeout of 1s (akka-media.executor.objects.call-timeout).", exit.Message);
        Assert.All(pids, pid => Assert.False(IsolatedWorkers.Runs(pid), $"pid {pid} survived"));
        Assert.All(worker.CgroupFolders, folder => Assert.False(Directory.Exists(folder), folder));
    }
}
