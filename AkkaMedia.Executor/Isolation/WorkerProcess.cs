using System.Diagnostics;
using System.Globalization;
using Akka.Event;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// One running worker process, as its launcher started it. <see cref="Exited"/> completes once the process (and
/// everything it started) is gone and its cgroups are removed; <see cref="Kill"/> ends it for a reason that
/// <see cref="Exited"/> then reports. A worker the kernel killed for its memory limit, or that exited with
/// <see cref="WorkerLauncher.OutOfMemoryExitCode"/>, ends with <see cref="WorkerKillReason.MemoryLimit"/>.
/// </summary>
/// <remarks>Thread-safe. Disposing kills a worker that still runs and releases what the launcher made for it.</remarks>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly WorkerCgroup? _cgroup;
    private readonly WorkerSettings? _settings;
    private readonly ILoggingAdapter? _log;
    private readonly string _owner;
    private readonly TaskCompletionSource<WorkerExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerKillReason? _killedFor;
    private string? _killMessage;
    private int _disposed;
    private int _ended;

    /// <summary>Wraps <paramref name="process"/>, which has started, with no cgroups.</summary>
    public WorkerProcess(string workerId, Process process)
        : this(new WorkerStartInfo(workerId, [], [], []), process, null, null, null)
    {
    }

    /// <summary>Wraps <paramref name="process"/>, which has started inside <paramref name="cgroup"/> (when there is one) with the limits of <paramref name="settings"/>.</summary>
    internal WorkerProcess(WorkerStartInfo info, Process process, WorkerCgroup? cgroup, WorkerSettings? settings, ILoggingAdapter? log)
    {
        WorkerId = info.WorkerId;
        _owner = info.Owner ?? "worker " + info.WorkerId;
        _process = process;
        _cgroup = cgroup;
        _settings = settings;
        _log = log;
        Pid = process.Id;
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => OnExited();
        if (_process.HasExited)
        {
            OnExited();
        }
    }

    /// <summary>The worker's id on this executor.</summary>
    public string WorkerId { get; }

    /// <summary>The process id of the worker (the host's view): the sandbox's outer process, whose death ends everything inside.</summary>
    public int Pid { get; }

    /// <summary>Completes once the worker has ended, with how.</summary>
    public Task<WorkerExit> Exited => _exited.Task;

    /// <summary>The worker's cgroup folders (empty without cgroups); removed by the time <see cref="Exited"/> completes.</summary>
    internal IReadOnlyCollection<string> CgroupFolders => _cgroup?.Folders ?? [];

    /// <summary>Ends the worker and everything it started; <see cref="Exited"/> reports <paramref name="reason"/> and <paramref name="message"/>. Idempotent: the first reason wins.</summary>
    public void Kill(WorkerKillReason reason, string message)
    {
        lock (_exited)
        {
            if (_killedFor is null && !_exited.Task.IsCompleted)
            {
                _killedFor = reason;
                _killMessage = message;
            }
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        if (_cgroup is not null)
        {
            // Whatever left the tree (a double fork, a new session) is still in the worker's groups.
            WorkerCgroup.KillAll(_cgroup.Folders);
        }
    }

    /// <summary>What the worker uses now: from its cgroups where it has them, else summed over its process tree in <c>/proc</c>; zero once it has ended.</summary>
    public WorkerUsage Usage()
    {
        if (_exited.Task.IsCompleted)
        {
            return default;
        }

        var memory = _cgroup?.MemoryBytes();
        var cpu = _cgroup?.CpuTime();
        if (memory is null || cpu is null)
        {
            var tree = ProcessTree.Of(Pid);
            memory ??= tree.ResidentBytes;
            cpu ??= tree.CpuTime;
        }

        return new WorkerUsage(memory.Value, cpu.Value);
    }

    /// <summary>
    /// A session took this worker, or its start must finish: every thread of a worker started in the background
    /// (<see cref="WorkerStartInfo.Background"/>) returns to normal priority. Cheap when none is niced; a thread that
    /// cannot be moved is logged, and the worker runs on.
    /// </summary>
    internal void Prioritize()
    {
        if (!OperatingSystem.IsLinux() || _exited.Task.IsCompleted)
        {
            return;
        }

        try
        {
            WarmPriority.Restore(ProcessIds());
        }
        catch (IOException e)
        {
            _log?.Warning("Worker {0} keeps the low priority of a warm worker: {1}", WorkerId, e.Message);
        }
    }

    /// <summary>Host pids of every process of the worker now (its cgroups' members, else its process tree).</summary>
    internal IReadOnlyList<int> ProcessIds() => _cgroup?.ProcessIds() ?? ProcessTree.Of(Pid).Pids;

    /// <summary>Forks and thread starts the worker's process limit refused so far (0 without a pids cgroup).</summary>
    internal long ProcessLimitHits() => _cgroup?.ProcessLimitHits() ?? 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Kill(WorkerKillReason.SessionEnded, "The session has ended.");
            if (_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                OnExited();
            }

            _process.Dispose();
        }
    }

    private void OnExited()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        var oomKills = 0L;
        if (_cgroup is not null)
        {
            oomKills = _cgroup.OomKills();
            if (!_cgroup.KillAndRemove())
            {
                _log?.Warning("The cgroups of worker {0} could not all be emptied and removed: {1}", WorkerId, string.Join(", ", _cgroup.Folders));
            }
        }

        WorkerExit exit;
        lock (_exited)
        {
            if (_killedFor is { } reason)
            {
                exit = new WorkerExit(code, reason, _killMessage ?? reason.ToString());
            }
            else if (_settings is not null && (oomKills > 0 || code == WorkerLauncher.OutOfMemoryExitCode))
            {
                exit = new WorkerExit(
                    code,
                    WorkerKillReason.MemoryLimit,
                    $"The {Subject} exceeded its memory limit of {WorkerSettings.FormatBytes(_settings.MemoryLimit)} ({WorkerSettings.MemoryLimitKey}) and was killed.");
            }
            else
            {
                exit = new WorkerExit(code, null, code switch
                {
                    WorkerLauncher.WrapperFailedExitCode when _settings is not null => $"The {Subject} (pid {Pid}) could not take its limits or sandbox (exit code {code}); see the executor's standard error.",
                    > 128 and < 160 => $"The {Subject} (pid {Pid}) was ended by signal {(code - 128).ToString(CultureInfo.InvariantCulture)} (exit code {code}).",
                    _ => $"The {Subject} (pid {Pid}) exited with code {code}.",
                });
            }

            _exited.TrySetResult(exit);
        }
    }

    private string Subject => _owner.StartsWith("worker ", StringComparison.Ordinal) ? _owner : "worker of " + _owner;
}
