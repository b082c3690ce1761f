using System.Diagnostics;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The bubblewrap command line that confines one worker: every namespace unshared (network: loopback only), the
/// system and runtime read-only, a private <c>/proc</c>, <c>/dev</c> and <c>/tmp</c>, and of the host's files only
/// what is bound explicitly.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class Bubblewrap
{
    /// <summary>What an operator does about a missing or broken bubblewrap.</summary>
    public const string Fix = "apt-get install bubblewrap, or set " + WorkerSettings.SandboxKey + " = none (shipped code then runs unconfined)";

    // Read-only system folders a .NET process needs; on a merged-/usr host /bin, /lib, /lib64 and /sbin are symlinks into /usr.
    private static readonly string[] SystemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

    // The few /etc entries the runtime and its native libraries read: the loader cache, time zone, TLS roots, alternatives
    // (targets of some /usr/bin links). Nothing else of /etc (no passwd, no hosts, no executor configuration).
    private static readonly string[] EtcEntries =
    [
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/timezone",
        "/etc/ssl", "/etc/ca-certificates", "/etc/pki", "/etc/alternatives",
    ];

    private readonly IReadOnlyList<string> _base;

    private Bubblewrap(string path, IReadOnlyList<string> baseArguments)
    {
        Path = path;
        _base = baseArguments;
    }

    /// <summary>The bwrap executable.</summary>
    public string Path { get; }

    /// <summary>
    /// Finds bwrap (<paramref name="path"/>, or <c>bwrap</c> on <c>PATH</c>, or <c>/usr/bin/bwrap</c>) and checks that it can
    /// make a sandbox here by running <c>/bin/true</c> in one, so that a host without user namespaces fails when the
    /// executor starts rather than at the first session.
    /// </summary>
    /// <param name="path">Null: look it up. A path: use it (a spec's seam for a missing bwrap).</param>
    /// <param name="dotnetRoot">The runtime's folder, bound read-only.</param>
    /// <param name="appFolder">The worker assembly's folder, bound read-only.</param>
    /// <param name="user">The user workers run as (<c>workers.run-as</c>), the probe too; null: this process's user.</param>
    /// <exception cref="InvalidOperationException">bwrap is missing or cannot make a sandbox; the message says why and names the fix.</exception>
    public static Bubblewrap Create(string? path, string dotnetRoot, string appFolder, WorkerUser? user = null)
    {
        var found = path ?? Find();
        if (found is null || !File.Exists(found))
        {
            throw new InvalidOperationException(
                $"Worker processes run under bubblewrap ({WorkerSettings.SandboxKey} = bubblewrap), but {found ?? "bwrap"} was not found: {Fix}.");
        }

        var sandbox = new Bubblewrap(found, BaseArguments(dotnetRoot, appFolder));
        IReadOnlyList<string> command = [found, .. sandbox.Arguments([], [], ["/bin/true"])];
        if (user is not null)
        {
            command = user.Wrap(command);
        }

        var probe = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in command.Skip(1))
        {
            probe.ArgumentList.Add(argument);
        }

        string error;
        int code;
        try
        {
            using var process = Process.Start(probe) ?? throw new InvalidOperationException($"{found} did not start.");
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{found} did not run /bin/true in a sandbox within 30 s: {Fix}.");
            }

            code = process.ExitCode;
            error = stderr.GetAwaiter().GetResult().Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{found} cannot be run ({e.Message}): {Fix}.", e);
        }

        if (code != 0 && user is not null)
        {
            throw new InvalidOperationException(
                $"bubblewrap ({found}) cannot make a sandbox on this host (exit code {code}: {(error.Length > 0 ? error : "no message")}) as {user}, the user workers run as ({WorkerSettings.RunAsKey}). " +
                $"Usually unprivileged user namespaces are disabled: enable them (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0), make bwrap, the runtime ({dotnetRoot}) and the worker assembly's folder ({appFolder}) usable by that user, " +
                $"set {WorkerSettings.RunAsKey} = \"\" (workers then run as root inside the sandbox), or set {WorkerSettings.SandboxKey} = none (shipped code then runs unconfined).");
        }

        if (code != 0)
        {
            throw new InvalidOperationException(
                $"bubblewrap ({found}) cannot make a sandbox on this host (exit code {code}: {(error.Length > 0 ? error : "no message")}). " +
                $"Usually user namespaces are disabled (kernel.unprivileged_userns_clone, user.max_user_namespaces) or a container forbids them; allow them, or set {WorkerSettings.SandboxKey} = none (shipped code then runs unconfined).");
        }

        return sandbox;
    }

    /// <summary>
    /// bwrap's arguments (after its path) for a worker that reads <paramref name="readOnly"/>, writes <paramref name="writable"/>
    /// and runs <paramref name="command"/>; environment variables are set by the caller (bwrap passes its own on).
    /// </summary>
    public IReadOnlyList<string> Arguments(IReadOnlyList<string> readOnly, IReadOnlyList<string> writable, IReadOnlyList<string> command)
    {
        var arguments = new List<string>(_base);

        // Parents before children, so that a bind inside another bind stays visible (a writable scratch folder inside a
        // read-only package folder, or the reverse).
        var binds = readOnly.Select(p => (Path: FullPath(p), Option: "--ro-bind"))
            .Concat(writable.Select(p => (Path: FullPath(p), Option: "--bind")))
            .OrderBy(b => b.Path.Count(c => c == '/'))
            .ThenBy(b => b.Path, StringComparer.Ordinal);
        foreach (var (path, option) in binds)
        {
            arguments.AddRange([option, path, path]);
        }

        // The root bwrap built (a tmpfs holding the mount points above) becomes read-only too: no writing to / or /etc.
        arguments.AddRange(["--remount-ro", "/", "--"]);
        arguments.AddRange(command);
        return arguments;
    }

    private static IReadOnlyList<string> BaseArguments(string dotnetRoot, string appFolder)
    {
        var arguments = new List<string>
        {
            // Network (loopback only), PID, IPC, UTS, cgroup and (where allowed) user namespaces.
            "--unshare-all",
            "--hostname", "akka-media-worker",
            // Gone with the executor (or with the wrapper the executor killed); no controlling terminal to inject input into.
            "--die-with-parent",
            "--new-session",
            "--cap-drop", "ALL",
        };
        foreach (var folder in SystemFolders)
        {
            var info = new FileInfo(folder);
            if (info.LinkTarget is { } target)
            {
                arguments.AddRange(["--symlink", target, folder]);
            }
            else if (Directory.Exists(folder))
            {
                arguments.AddRange(["--ro-bind", folder, folder]);
            }
        }

        foreach (var entry in EtcEntries)
        {
            arguments.AddRange(["--ro-bind-try", entry, entry]);
        }

        // Fresh /proc (of the worker's PID namespace), a minimal /dev and a private /tmp (in memory: it counts towards the
        // worker's memory limit). Before the binds below, which may lie under /tmp.
        arguments.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp"]);
        arguments.AddRange(["--ro-bind", dotnetRoot, dotnetRoot]);
        arguments.AddRange(["--ro-bind", appFolder, appFolder]);
        return arguments;
    }

    private static string FullPath(string path) => System.IO.Path.GetFullPath(path);

    private static string? Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            var candidate = System.IO.Path.Combine(folder, "bwrap");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
