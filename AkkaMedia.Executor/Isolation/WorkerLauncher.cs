using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Akka.Event;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// Starts worker processes: <c>dotnet AkkaMedia.Worker.dll ARGS</c>, with the runtime this executor runs on; made from
/// <see cref="WorkerSettings"/>, each worker runs under bubblewrap (unless <c>sandbox = none</c>), in cgroups of its own
/// that bound its memory, CPU and process count (else under <c>RLIMIT_AS</c> and the GC's heap hard limit), with an
/// environment that holds nothing of the executor's.
/// </summary>
/// <remarks>
/// Thread-safe. A worker joins its cgroups before it runs anything: the launcher starts <c>/bin/sh</c>, which writes its
/// own pid to each group's <c>cgroup.procs</c>, sets the address-space limit where needed, and then <c>exec</c>s bubblewrap
/// (or dotnet), so everything the worker starts is born inside its groups.
/// </remarks>
internal sealed class WorkerLauncher : IDisposable
{
    /// <summary>The exit code of a worker that caught an <see cref="OutOfMemoryException"/> from user code.</summary>
    public const int OutOfMemoryExitCode = 86;

    /// <summary>The exit code of the start wrapper when the worker could not join its cgroups or take its limits.</summary>
    public const int WrapperFailedExitCode = 125;

    /// <summary>Address space a .NET process reserves beyond what it uses (the GC reserves half the limit for its regions, the runtime maps code and stacks): measured, a hello world needs 1.75 GiB.</summary>
    internal const long AddressSpaceAllowance = 2L << 30;

    // Joins each group named before "--" (its pid is the worker's to be), sets RLIMIT_AS unless "-", then becomes the worker.
    private const string Wrapper =
        "v=$1; shift; " +
        "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || { echo \"akka-media: the worker cannot join its cgroup $1\" >&2; exit 125; }; shift; done; shift; " +
        "if [ \"$v\" != - ]; then ulimit -v \"$v\" || exit 125; fi; " +
        "exec \"$@\"";

    private readonly string _dotnet;
    private readonly string _workerAssembly;
    private readonly WorkerSettings? _settings;
    private readonly Bubblewrap? _bubblewrap;
    private readonly CgroupHost? _cgroups;
    private readonly ILoggingAdapter? _log;

    private WorkerLauncher(string dotnet, string workerAssembly, WorkerSettings? settings, Bubblewrap? bubblewrap, CgroupHost? cgroups, ILoggingAdapter? log)
    {
        _dotnet = dotnet;
        _workerAssembly = workerAssembly;
        _settings = settings;
        _bubblewrap = bubblewrap;
        _cgroups = cgroups;
        _log = log;
    }

    /// <summary>How workers are confined: <c>bubblewrap</c> or <c>none</c>.</summary>
    public WorkerSandbox Sandbox => _bubblewrap is null ? WorkerSandbox.None : WorkerSandbox.Bubblewrap;

    /// <summary>The user workers run as (<c>workers.run-as</c>, when the executor runs as root), or null: the executor's own user.</summary>
    public WorkerUser? User => _settings?.EffectiveUser;

    /// <summary>The resource controllers that bound each worker (<c>memory</c>, <c>cpu</c>, <c>cpuacct</c>, <c>pids</c>); empty when none is writable.</summary>
    public IReadOnlyCollection<string> LimitedBy => _cgroups?.Controllers ?? [];

    /// <summary>The folders this launcher makes worker cgroups in (none without writable cgroups).</summary>
    public IEnumerable<string> CgroupRoots => _cgroups?.Roots ?? [];

    /// <summary>
    /// A launcher for workers whose assembly is <paramref name="workerAssembly"/> (empty: <c>AkkaMedia.Worker.dll</c>
    /// beside this executor's assemblies), with no sandbox and no limits: a plain child process that inherits the
    /// executor's environment. The executor uses <see cref="Create(WorkerSettings, ILoggingAdapter)"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The worker assembly or the <c>dotnet</c> host is not there.</exception>
    public static WorkerLauncher Create(string workerAssembly = "") => new(DotnetHost(), WorkerAssembly(workerAssembly), null, null, null, null);

    /// <summary>
    /// A launcher for the executor's workers as <paramref name="settings"/> say: it checks here, once, that bubblewrap can
    /// make a sandbox (unless <c>sandbox = none</c>) and which cgroups are writable, and logs what is not enforced.
    /// </summary>
    /// <exception cref="FileNotFoundException">The worker assembly or the <c>dotnet</c> host is not there.</exception>
    /// <exception cref="InvalidOperationException">bubblewrap is missing or unusable; the message names the fix.</exception>
    public static WorkerLauncher Create(WorkerSettings settings, ILoggingAdapter log) => Create(settings, log, bubblewrap: null, useCgroups: true);

    /// <summary><see cref="Create(WorkerSettings, ILoggingAdapter)"/> with seams for specs: another bwrap path (a missing one), no cgroups (the <c>RLIMIT_AS</c> fallback).</summary>
    internal static WorkerLauncher Create(WorkerSettings settings, ILoggingAdapter log, string? bubblewrap, bool useCgroups)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var dotnet = DotnetHost();
        var assembly = WorkerAssembly(settings.Path);
        var user = settings.EffectiveUser;
        user?.RequireSetPriv();

        Bubblewrap? sandbox = null;
        if (settings.Sandbox == WorkerSandbox.Bubblewrap)
        {
            sandbox = Bubblewrap.Create(bubblewrap, Path.GetDirectoryName(dotnet)!, Path.GetDirectoryName(assembly)!, user);
        }
        else
        {
            log.Warning(
                "Worker processes run without a sandbox ({0} = none): shipped code sees this host's files and network as the executor's user does. Resource limits still apply.",
                WorkerSettings.SandboxKey);
        }

        CgroupHost? cgroups = null;
        IReadOnlyList<string> problems = ["cgroups are off"];
        if (useCgroups)
        {
            cgroups = CgroupHost.Detect(out problems);
        }

        var runsAs = user is null
            ? $"workers run as the executor's own user ({(System.Environment.IsPrivilegedProcess ? "root: " + WorkerSettings.RunAsKey + " = \"\"" : "uid " + UserId().ToString(CultureInfo.InvariantCulture))})"
            : $"workers run as {user}";
        var missing = new[] { "memory", "cpu", "pids" }.Where(c => cgroups is null || !cgroups.Controllers.Contains(c)).ToArray();
        if (missing.Length > 0)
        {
            var notEnforced = string.Join(", ", missing.Where(c => c != "memory").Select(c => c == "cpu" ? $"CPU ({WorkerSettings.CpuLimitKey})" : $"process count ({WorkerSettings.MaxProcessesKey})"));
            log.Warning(
                "Worker limits without {0} cgroups ({1}): {2}{3}; {4}.",
                string.Join(", ", missing),
                string.Join("; ", problems),
                missing.Contains("memory")
                    ? $"memory is bounded by RLIMIT_AS ({WorkerSettings.FormatBytes(settings.MemoryLimit + AddressSpaceAllowance)} of address space) and the GC heap hard limit ({WorkerSettings.FormatBytes(HeapHardLimit(settings.MemoryLimit))}), not by resident memory"
                    : "memory is bounded by its cgroup",
                notEnforced.Length > 0 ? "; NOT enforced: " + notEnforced : string.Empty,
                runsAs);
        }
        else
        {
            log.Info("Worker limits enforced by {0}: memory {1}, CPU {2} cores, {3} processes; sandbox {4}; {5}.", cgroups!.Kind, WorkerSettings.FormatBytes(settings.MemoryLimit), settings.CpuLimit, settings.MaxProcesses, settings.Sandbox, runsAs);
        }

        return new WorkerLauncher(dotnet, assembly, settings, sandbox, cgroups is { Controllers.Count: > 0 } ? cgroups : null, log);
    }

    /// <summary>Starts a worker; it runs until it ends by itself or is killed.</summary>
    /// <exception cref="ArgumentException">The worker id is not made of letters, digits, '-', '_' and '.'.</exception>
    /// <exception cref="IOException">Its cgroups could not be made.</exception>
    public WorkerProcess Start(WorkerStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return StartCommand(info, [_dotnet, _workerAssembly, .. info.Arguments]);
    }

    /// <summary>
    /// Starts <paramref name="command"/> (a program and its arguments) in place of <c>dotnet AkkaMedia.Worker.dll</c>, with
    /// the same sandbox, limits and environment: the seam the isolation specs run shell scripts through.
    /// </summary>
    internal WorkerProcess StartCommand(WorkerStartInfo info, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.WorkerId.Length == 0 || info.WorkerId is "." or ".." || !info.WorkerId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"A worker id names its cgroups and folders: letters, digits, '-', '_' and '.' only, not '{info.WorkerId}'.", nameof(info));
        }

        if (_settings is null)
        {
            // The plain launcher: a child process as the skeleton started it.
            var plain = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardInput = true };
            foreach (var argument in command.Skip(1))
            {
                plain.ArgumentList.Add(argument);
            }

            var started = Process.Start(plain) ?? throw new InvalidOperationException($"The worker process {info.WorkerId} did not start.");
            return new WorkerProcess(info.WorkerId, started);
        }

        var cgroup = _cgroups?.Create(info.WorkerId, _settings.MemoryLimit, _settings.CpuLimit, _settings.MaxProcesses);
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = _bubblewrap is null ? Path.GetTempPath() : "/",
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Wrapper);
        start.ArgumentList.Add("akka-media-worker");
        var rlimit = _cgroups?.HasMemory == true ? null : (long?)((_settings.MemoryLimit + AddressSpaceAllowance) / 1024);
        start.ArgumentList.Add(rlimit?.ToString(CultureInfo.InvariantCulture) ?? "-");
        foreach (var procs in cgroup?.ProcsFiles ?? [])
        {
            start.ArgumentList.Add(procs);
        }

        start.ArgumentList.Add("--");
        IReadOnlyList<string> inner = _bubblewrap is null ? command : [_bubblewrap.Path, .. _bubblewrap.Arguments(info.ReadOnlyPaths, info.WritablePaths, command)];
        if (User is { } user)
        {
            // Dropped after the wrapper (root) joined the cgroups and took the limits; nice (below) wraps it, and the
            // executor, root, can still move the threads of a process of another user back to nice 0.
            inner = user.Wrap(inner);
        }

        if (info.Background)
        {
            inner = WarmPriority.Wrap(inner);
        }

        foreach (var argument in inner)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in Environment(_dotnet, _settings))
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = SpawnThread.Start(start);
        }
        catch
        {
            cgroup?.KillAndRemove();
            throw;
        }

        return new WorkerProcess(info, process, cgroup, _settings, _log);
    }

    public void Dispose()
    {
    }

    /// <summary>The <c>dotnet</c> host of the runtime this process runs on.</summary>
    internal static string DotnetHost()
    {
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtime)));
        var host = root is null ? null : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        if (host is null || !File.Exists(host))
        {
            throw new FileNotFoundException($"The dotnet host of this runtime ({runtime}) was not found; worker processes need it.", host);
        }

        return host;
    }

    private static int UserId() => OperatingSystem.IsLinux() ? GetUid() : -1;

    [DllImport("libc", EntryPoint = "getuid")]
    private static extern int GetUid();

    /// <summary>The GC heap hard limit a worker gets: three quarters of its memory limit (the runtime's own default in a container), so that user code meets an <see cref="OutOfMemoryException"/> before the kernel's OOM killer.</summary>
    internal static long HeapHardLimit(long memoryLimit) => memoryLimit / 4 * 3;

    /// <summary>All a worker's environment: what .NET needs, nothing of the executor's (its variables may hold secrets).</summary>
    internal static IReadOnlyDictionary<string, string> Environment(string dotnet, WorkerSettings settings)
    {
        var cores = (int)Math.Ceiling(settings.CpuLimit);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = "/tmp",
            ["TMPDIR"] = "/tmp",
            ["LANG"] = "C.UTF-8",
            ["DOTNET_ROOT"] = Path.GetDirectoryName(dotnet)!,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // Inside its sandbox a worker cannot see its cgroup (own cgroup namespace, no /sys): tell the runtime its limits.
            ["DOTNET_GCHeapHardLimit"] = "0x" + HeapHardLimit(settings.MemoryLimit).ToString("x", CultureInfo.InvariantCulture),
        };
        if (cores < System.Environment.ProcessorCount)
        {
            environment["DOTNET_PROCESSOR_COUNT"] = Math.Max(1, cores).ToString(CultureInfo.InvariantCulture);
        }

        return environment;
    }

    private static string WorkerAssembly(string workerAssembly)
    {
        var path = string.IsNullOrEmpty(workerAssembly) ? Path.Combine(AppContext.BaseDirectory, "AkkaMedia.Worker.dll") : Path.GetFullPath(workerAssembly);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The worker assembly {path} is missing: reference the AkkaMedia.Worker project from the application that runs the executor, or set akka-media.executor.workers.path.", path);
        }

        return path;
    }
}
