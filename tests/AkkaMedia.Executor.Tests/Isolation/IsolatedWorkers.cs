using Akka.Configuration;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// Launchers and workers for one spec, cleaned up in every outcome: each worker is killed and awaited (so its cgroups are
/// removed), and the spec's scratch folders are deleted. Worker ids are unique per spec run, so specs running at once and
/// other executors on the machine never share a cgroup.
/// </summary>
internal sealed class IsolatedWorkers : IDisposable
{
    private readonly List<WorkerProcess> _workers = [];

    public IsolatedWorkers()
    {
        Root = Path.Combine(Path.GetTempPath(), "akka-media-spec-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);

        // As the executor does for its workers' folder: a worker that runs as workers.run-as (a root executor) reaches
        // the spec's folders through it.
        User = Settings().EffectiveUser;
        User?.EnsureTraversable(Root);
    }

    /// <summary>The user workers of the default settings run as (nobody when the specs run as root), or null.</summary>
    public WorkerUser? User { get; }

    /// <summary>This spec's folder on the host (outside every sandbox unless bound).</summary>
    public string Root { get; }

    /// <summary>Worker settings from HOCON lines under <c>akka-media.executor.workers</c>; the worker assembly is the compiled TestWorker.dll.</summary>
    public static WorkerSettings Settings(string hocon = "") =>
        WorkerSettings.Create(ConfigurationFactory.ParseString(
            $"akka-media.executor.isolation = process\nakka-media.executor.workers {{ path = \"{TestWorkerProgram.Path}\"\n{hocon} }}"));

    /// <summary>A unique worker id.</summary>
    public static string NewId() => "spec-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A new folder under <see cref="Root"/>, owned by <see cref="User"/> (as a worker's folder is) when there is one.</summary>
    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        User?.Own(path);
        return path;
    }

    /// <summary>Starts <c>/bin/sh -c script</c> as a worker and keeps it for cleanup.</summary>
    public WorkerProcess Shell(WorkerLauncher launcher, string script, IReadOnlyList<string>? readOnly = null, IReadOnlyList<string>? writable = null, string? owner = null) =>
        Keep(launcher.StartCommand(new WorkerStartInfo(NewId(), [], readOnly ?? [], writable ?? [], owner), ["/bin/sh", "-c", script]));

    /// <summary>Keeps <paramref name="worker"/> for cleanup.</summary>
    public WorkerProcess Keep(WorkerProcess worker)
    {
        lock (_workers)
        {
            _workers.Add(worker);
        }

        return worker;
    }

    /// <summary>Waits for <paramref name="worker"/> to end; fails (after killing it) when it has not ended within a minute, so that a broken sandbox fails the spec instead of hanging it.</summary>
    public static async Task<WorkerExit> Ended(WorkerProcess worker)
    {
        var ended = await Task.WhenAny(worker.Exited, Task.Delay(TimeSpan.FromMinutes(1)));
        if (ended != worker.Exited)
        {
            worker.Kill(WorkerKillReason.SessionEnded, "the spec gave up waiting");
            Assert.Fail($"Worker {worker.WorkerId} did not end within a minute.");
        }

        return await worker.Exited;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds (checked every 10 ms): <paramref name="worker"/> has reached the state a
    /// spec needs. Fails at once when the worker ends first (with how it ended), and after a minute at most.
    /// </summary>
    public static async Task Until(WorkerProcess worker, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!condition())
        {
            Assert.False(worker.Exited.IsCompleted, $"The worker ended before {what}: {(worker.Exited.IsCompleted ? worker.Exited.Result.Message : string.Empty)}");
            Assert.True(DateTime.UtcNow < deadline, "Gave up waiting until " + what);
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/> still runs: it exists and is not a zombie (a killed orphan stays a zombie until the
    /// host's init reaps it; it runs nothing and holds no memory).
    /// </summary>
    public static bool Runs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        WorkerProcess[] workers;
        lock (_workers)
        {
            workers = _workers.ToArray();
        }

        foreach (var worker in workers)
        {
            worker.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a folder under the temporary folder.
        }
    }
}
