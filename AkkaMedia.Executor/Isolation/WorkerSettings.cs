using System.Globalization;
using Akka.Configuration;
using AkkaMedia;
using AkkaMedia.Executor.Sandbox;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// How an executor isolates shipped code: <c>akka-media.executor.isolation</c> and the worker processes' sandbox and
/// limits, <c>akka-media.executor.workers</c>.
/// </summary>
internal sealed class WorkerSettings
{
    /// <summary>The configuration section of the worker settings.</summary>
    public const string Section = "akka-media.executor.workers";

    /// <summary>The key of <see cref="MemoryLimit"/>, as messages name it.</summary>
    public const string MemoryLimitKey = Section + ".memory-limit";

    /// <summary>The key of <see cref="CpuLimit"/>, as messages name it.</summary>
    public const string CpuLimitKey = Section + ".cpu-limit";

    /// <summary>The key of <see cref="MaxProcesses"/>, as messages name it.</summary>
    public const string MaxProcessesKey = Section + ".max-processes";

    /// <summary>The key of <see cref="Sandbox"/>, as messages name it.</summary>
    public const string SandboxKey = Section + ".sandbox";

    /// <summary>The key of <see cref="RunAs"/>, as messages name it.</summary>
    public const string RunAsKey = Section + ".run-as";

    /// <summary>The key of <see cref="Folder"/>, as messages name it.</summary>
    public const string FolderKey = Section + ".folder";

    internal WorkerSettings(
        CodeIsolation isolation,
        WorkerSandbox sandbox,
        long memoryLimit,
        double cpuLimit,
        int maxProcesses,
        TimeSpan startTimeout,
        int warm,
        string path,
        string folder,
        WorkerUser? runAs = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLimit, MinMemoryLimit, MemoryLimitKey);
        if (!(cpuLimit > 0) || double.IsInfinity(cpuLimit))
        {
            throw new ArgumentOutOfRangeException(CpuLimitKey, cpuLimit, "cpu-limit must be a positive number of cores such as 0.5 or 2.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxProcesses, 1, MaxProcessesKey);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(startTimeout, TimeSpan.Zero, Section + ".start-timeout");
        ArgumentOutOfRangeException.ThrowIfNegative(warm, Section + ".warm");
        Isolation = isolation;
        Sandbox = sandbox;
        MemoryLimit = memoryLimit;
        CpuLimit = cpuLimit;
        MaxProcesses = maxProcesses;
        StartTimeout = startTimeout;
        Warm = warm;
        Path = path;
        Folder = folder;
        RunAs = runAs;
    }

    /// <summary>The smallest memory limit accepted: below it a .NET worker cannot start.</summary>
    public static long MinMemoryLimit => 32L * 1024 * 1024;

    /// <summary>Where shipped code runs: in the executor's process or in worker processes.</summary>
    public CodeIsolation Isolation { get; }

    /// <summary>How worker processes are confined.</summary>
    public WorkerSandbox Sandbox { get; }

    /// <summary>Most memory one worker and everything it starts may use, in bytes; beyond it the worker is killed.</summary>
    public long MemoryLimit { get; }

    /// <summary>Most CPU one worker may use, in cores (1.0 = one core's worth of time per period); beyond it it is throttled, not killed.</summary>
    public double CpuLimit { get; }

    /// <summary>Most processes and threads one worker may have at once (its own included); a fork or thread start beyond it fails.</summary>
    public int MaxProcesses { get; }

    /// <summary>How long a worker may take to become ready before it is killed (used by the worker pool).</summary>
    public TimeSpan StartTimeout { get; }

    /// <summary>How many workers the pool keeps started ahead of demand.</summary>
    public int Warm { get; }

    /// <summary>The configured worker assembly; empty means <c>AkkaMedia.Worker.dll</c> beside the executor.</summary>
    public string Path { get; }

    /// <summary>The configured work root for worker sockets and scratch folders; empty means one under the temporary folder (see <see cref="FolderOrDefault"/>).</summary>
    public string Folder { get; }

    /// <summary>
    /// The user workers run as when the executor runs as root (<c>run-as</c>, resolved when the settings are read); null
    /// when <c>run-as = ""</c> or off Linux. See <see cref="WorkerUser"/> for the one that applies.
    /// </summary>
    public WorkerUser? RunAs { get; }

    /// <summary>The user workers do run as: <see cref="RunAs"/> when this process is root on Linux, else null (the executor's own user).</summary>
    public WorkerUser? EffectiveUser => OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess ? RunAs : null;

    /// <summary><see cref="Folder"/> as a full path, or <c>&lt;temp&gt;/akka-media-workers</c> when it is empty.</summary>
    public string FolderOrDefault => Folder.Length > 0 ? System.IO.Path.GetFullPath(Folder) : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "akka-media-workers");

    /// <summary>
    /// The executor's isolation (<c>akka-media.executor.isolation</c>, <c>in-process</c> unless set): the one reader of the
    /// key, for the worker pool and the sandbox policy alike.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">It is set to something else than <c>in-process</c> or <c>process</c>; the message names the key.</exception>
    public static CodeIsolation IsolationOf(Config config) =>
        new SettingsSection(ExecutorSettings.WithDefaults(config), "akka-media.executor").GetString("isolation") switch
        {
            "in-process" => CodeIsolation.InProcess,
            "process" => CodeIsolation.Process,
            var other => throw new ArgumentOutOfRangeException(
                SandboxPolicy.IsolationKey, other, $"{SandboxPolicy.IsolationKey} = \"{other}\" is not an isolation level; isolation must be in-process or process. Write in-process (shipped code runs in the executor's process) or process (in sandboxed worker processes)."),
        };

    /// <summary>Reads <c>akka-media.executor.isolation</c> and <c>akka-media.executor.workers</c> from <paramref name="config"/>, falling back to the executor's defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range or of the wrong kind, or <c>run-as</c> names no user; the message names the key and says what is allowed.</exception>
    public static WorkerSettings Create(Config config)
    {
        var all = ExecutorSettings.WithDefaults(config);
        var isolation = IsolationOf(all);

        var section = new SettingsSection(all, Section);
        var sandbox = section.GetString("sandbox") switch
        {
            "bubblewrap" => WorkerSandbox.Bubblewrap,
            "none" => WorkerSandbox.None,
            var other => throw new ArgumentOutOfRangeException(SandboxKey, other, "sandbox must be bubblewrap or none."),
        };

        var memory = section.GetBytes("memory-limit");
        if (memory < MinMemoryLimit)
        {
            throw new ArgumentOutOfRangeException(MemoryLimitKey, memory, "memory-limit must be at least 32 MiB (a .NET worker does not start below it), e.g. 512 MiB.");
        }

        var cpuText = section.GetString("cpu-limit");
        if (!double.TryParse(cpuText, NumberStyles.Float, CultureInfo.InvariantCulture, out var cpu) || !(cpu > 0) || double.IsInfinity(cpu))
        {
            throw new ArgumentOutOfRangeException(CpuLimitKey, cpuText, "cpu-limit must be a positive number of cores such as 0.5 or 2.");
        }

        var processes = section.GetInt("max-processes");
        if (processes < 1)
        {
            throw new ArgumentOutOfRangeException(MaxProcessesKey, processes, "max-processes must be at least 1 (a .NET worker needs about 20 for its own threads).");
        }

        var start = section.GetTimeSpan("start-timeout");
        if (start <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(Section + ".start-timeout", start, "start-timeout must be positive.");
        }

        var warm = section.GetInt("warm");
        if (warm < 0)
        {
            throw new ArgumentOutOfRangeException(Section + ".warm", warm, "warm must be 0 or more.");
        }

        var runAsText = section.GetString("run-as");
        var runAs = runAsText.Length > 0 && OperatingSystem.IsLinux() ? WorkerUser.Resolve(runAsText) : null;

        return new WorkerSettings(isolation, sandbox, memory, cpu, processes, start, warm, section.GetString("path"), section.GetString("folder"), runAs);
    }

    /// <summary>A size for messages: <c>256 MiB</c>, <c>1.5 GiB</c>, or bytes when it is not a whole KiB.</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 20) == 0 => (bytes / (double)(1L << 30)).ToString("0.###", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 when bytes % (1L << 10) == 0 => (bytes / (double)(1L << 20)).ToString("0.###", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => (bytes >> 10).ToString(CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };
}
