using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The cgroups of one worker (one folder per v1 controller, or one v2 folder): what it uses, whether the kernel
/// killed it for memory, which processes are in it, and removing them once it is gone.
/// </summary>
/// <remarks>Thread-safe: every member reads or writes the cgroup files afresh.</remarks>
internal sealed class WorkerCgroup
{
    private readonly int _version;
    private readonly IReadOnlyDictionary<string, string> _groups;

    internal WorkerCgroup(int version, IReadOnlyDictionary<string, string> groups)
    {
        _version = version;
        _groups = groups;
    }

    /// <summary>The folders of this worker's groups.</summary>
    public IReadOnlyCollection<string> Folders => _groups.Values.ToArray();

    /// <summary>The <c>cgroup.procs</c> files a process writes its pid to, to join every group before it runs anything else.</summary>
    public IReadOnlyList<string> ProcsFiles => _groups.Values.Distinct().Select(d => Path.Combine(d, "cgroup.procs")).ToArray();

    /// <summary>Memory charged to the worker's group now, in bytes; null without a memory group.</summary>
    public long? MemoryBytes() => _version == 2
        ? ReadLong("unified", "memory.current")
        : ReadLong("memory", "memory.usage_in_bytes");

    /// <summary>CPU time of every process that ever ran in the group; null without a cpuacct group.</summary>
    public TimeSpan? CpuTime()
    {
        if (_version == 2)
        {
            var usec = ReadKey("unified", "cpu.stat", "usage_usec");
            return usec is null ? null : TimeSpan.FromMicroseconds(usec.Value);
        }

        var ns = ReadLong("cpuacct", "cpuacct.usage");
        return ns is null ? null : TimeSpan.FromTicks(ns.Value / 100);
    }

    /// <summary>How many processes of the group the kernel's OOM killer has killed for the group's memory limit.</summary>
    public long OomKills() => (_version == 2 ? ReadKey("unified", "memory.events", "oom_kill") : ReadKey("memory", "memory.oom_control", "oom_kill")) ?? 0;

    /// <summary>How many forks or thread starts the process limit refused.</summary>
    public long ProcessLimitHits() => (_version == 2 ? ReadKey("unified", "pids.events", "max") : ReadKey("pids", "pids.events", "max")) ?? 0;

    /// <summary>Host pids of the processes in the group now.</summary>
    public IReadOnlyList<int> ProcessIds() => Pids(_groups.Values);

    /// <summary>SIGKILLs every process in the groups until none is left (forks racing the kill included), then removes the groups.</summary>
    /// <returns>Whether every group was empty and removed.</returns>
    public bool KillAndRemove()
    {
        var folders = _groups.Values.Distinct().ToArray();
        var empty = KillAll(folders);
        var removed = true;
        foreach (var dir in folders)
        {
            removed &= TryRemove(dir);
        }

        return empty && removed;
    }

    /// <summary>SIGKILLs every process in <paramref name="folders"/> until they are empty or a bound of rounds is reached.</summary>
    internal static bool KillAll(IReadOnlyCollection<string> folders)
    {
        var kill = folders.Select(d => Path.Combine(d, "cgroup.kill")).FirstOrDefault(File.Exists);
        for (var round = 0; round < 200; round++)
        {
            var pids = Pids(folders);
            if (pids.Count == 0)
            {
                return true;
            }

            if (kill is not null)
            {
                TryWrite(kill, "1");
            }
            else
            {
                foreach (var pid in pids)
                {
                    Kill(pid);
                }
            }

            // A killed process leaves its group when the kernel has torn it down, a moment after the signal.
            Thread.Sleep(round < 10 ? 1 : 10);
        }

        return Pids(folders).Count == 0;
    }

    /// <summary>Removes an empty group folder (rmdir); retries briefly while the kernel finishes tearing down its last tasks.</summary>
    internal static bool TryRemove(string dir)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                if (!Directory.Exists(dir))
                {
                    return true;
                }

                Directory.Delete(dir, recursive: false);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(10);
            }
        }

        return false;
    }

    private static IReadOnlyList<int> Pids(IEnumerable<string> folders)
    {
        var pids = new HashSet<int>();
        foreach (var dir in folders)
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(dir, "cgroup.procs")))
                {
                    if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                    {
                        pids.Add(pid);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The group is gone: nothing in it.
            }
        }

        return pids.ToArray();
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private long? ReadLong(string controller, string file)
    {
        var text = Read(controller, file);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private long? ReadKey(string controller, string file, string key)
    {
        var text = Read(controller, file);
        if (text is null)
        {
            return null;
        }

        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private string? Read(string controller, string file)
    {
        if (!_groups.TryGetValue(controller, out var dir))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(Path.Combine(dir, file)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already.
        }
    }
}
