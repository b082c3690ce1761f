using Akka.Configuration;
using Akka.Event;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// <c>workers.run-as</c>: a root executor's workers run as an unprivileged user (nobody by default), observed from the
/// host in <c>/proc/&lt;pid&gt;/status</c> of the worker's dotnet process; <c>run-as = ""</c> keeps root; a bad value
/// fails naming the key; without a sandbox a worker cannot read a root-only file.
/// </summary>
public sealed class WorkerRunAsSpec : IDisposable
{
    private readonly IsolatedWorkers _workers = new();

    public void Dispose() => _workers.Dispose();

    [IsolationFact]
    public async Task A_worker_of_a_root_executor_must_run_as_nobody()
    {
        Assert.Equal(65534, await WorkerUid(string.Empty));
    }

    [IsolationFact]
    public void The_launcher_must_log_the_user_workers_run_as()
    {
        var log = new RecordingLog();
        using var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings(), log);
        Assert.Single(log.Lines, l => l.Text.StartsWith("Worker limits", StringComparison.Ordinal) && l.Text.Contains("workers run as nobody (uid 65534, gid 65534)", StringComparison.Ordinal));

        var root = new RecordingLog();
        using var asRoot = WorkerLauncher.Create(IsolatedWorkers.Settings("run-as = \"\""), root);
        Assert.Single(root.Lines, l => l.Text.StartsWith("Worker limits", StringComparison.Ordinal) && l.Text.Contains("workers run as the executor's own user (root: akka-media.executor.workers.run-as = \"\")", StringComparison.Ordinal));
    }

    [IsolationFact]
    public async Task A_worker_must_run_as_root_with_run_as_empty()
    {
        Assert.Equal(0, await WorkerUid("run-as = \"\""));
    }

    [IsolationFact]
    public async Task A_warm_worker_must_run_as_nobody_without_a_sandbox_and_return_to_nice_0()
    {
        Assert.Equal(65534, await WorkerUid("sandbox = none", warm: true));
    }

    [IsolationFact]
    public async Task A_workers_folder_under_a_folder_others_cannot_traverse_must_fail_the_start_naming_it()
    {
        var parent = Directory.CreateTempSubdirectory("akka-media-runas-closed-").FullName; // 0700
        try
        {
            using var launcher = WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance);

            var error = await Assert.ThrowsAsync<WorkerStartException>(() => SessionWorker.StartAsync(launcher, IsolatedWorkers.NewId(), Path.Combine(parent, "workers"), TimeSpan.FromSeconds(60)));

            Assert.Contains(parent + " is not traversable by others", error.Message, StringComparison.Ordinal);
            Assert.Contains(WorkerSettings.FolderKey, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [IsolationFact]
    public void An_invalid_run_as_must_fail_naming_the_key()
    {
        foreach (var value in new[] { "no-such-user-akka-media", "1:x", "a:b:c" })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => IsolatedWorkers.Settings($"run-as = \"{value}\""));
            Assert.Contains(WorkerSettings.RunAsKey, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(new WorkerUser("1000:100", 1000, 100), IsolatedWorkers.Settings("run-as = \"1000:100\"").RunAs);
        Assert.Equal(new WorkerUser("nobody", 65534, 65534), IsolatedWorkers.Settings().RunAs);
        Assert.Null(IsolatedWorkers.Settings("run-as = \"\"").RunAs);
    }

    [IsolationFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_worker_without_a_sandbox_must_not_read_a_root_only_file()
    {
        var secret = Path.Combine(_workers.Root, "secret");
        File.WriteAllText(secret, "root only");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var scratch = _workers.Folder("scratch");
        var script = $"id -u > {scratch}/uid; if cat {secret} > {scratch}/read 2>/dev/null; then echo read; else echo refused; fi > {scratch}/result";

        var exit = await IsolatedWorkers.Ended(_workers.Shell(WorkerLauncher.Create(IsolatedWorkers.Settings("sandbox = none"), NoLogger.Instance), script, writable: [scratch]));

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("65534", File.ReadAllText(Path.Combine(scratch, "uid")).Trim());
        Assert.Equal("refused", File.ReadAllText(Path.Combine(scratch, "result")).Trim());

        // The same script as root does read it: the spec can tell the difference.
        var control = _workers.Folder("control");
        var asRoot = WorkerLauncher.Create(IsolatedWorkers.Settings("sandbox = none\nrun-as = \"\""), NoLogger.Instance);
        await IsolatedWorkers.Ended(_workers.Shell(asRoot, script.Replace(scratch, control, StringComparison.Ordinal), writable: [control]));
        Assert.Equal("read", File.ReadAllText(Path.Combine(control, "result")).Trim());
    }

    // Starts a real AkkaMedia.Worker in a 0700 workers' folder, as a pool does, and reads the real uid of its dotnet process.
    private static async Task<int> WorkerUid(string hocon, bool warm = false)
    {
        var settings = WorkerSettings.Create(ConfigurationFactory.ParseString($"akka-media.executor.isolation = process\nakka-media.executor.workers {{ {hocon} }}"));
        var root = Directory.CreateTempSubdirectory("akka-media-runas-").FullName;
        try
        {
            using var launcher = WorkerLauncher.Create(settings, NoLogger.Instance);
            using var worker = await SessionWorker.StartAsync(launcher, IsolatedWorkers.NewId(), root, TimeSpan.FromSeconds(60), warm);
            if (warm)
            {
                worker.Process.Prioritize();
            }

            var dotnet = worker.Process.ProcessIds().Where(pid => Command(pid).EndsWith("dotnet", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(dotnet);
            if (warm)
            {
                Assert.All(dotnet, pid => Assert.Equal(0, WarmPriority.NiceOf(pid)));
            }

            var uids = dotnet.Select(RealUid).Distinct().ToArray();
            return Assert.Single(uids);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0];
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static int RealUid(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
}
