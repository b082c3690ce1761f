using System.Diagnostics;
using System.Globalization;

namespace AkkaMedia.Cluster.Tests.Isolation;

/// <summary>One process as <c>/proc</c> shows it: its pid and start time (together unique while the machine runs) and arguments.</summary>
public sealed record LinuxProcess(int Pid, long StartTicks, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// Whether it is a worker process of an executor, <c>dotnet AkkaMedia.Worker.dll</c>, and not one of the two bubblewrap
    /// processes around it (whose arguments name the worker's too).
    /// </summary>
    public bool IsWorker => Arguments.Count >= 2 && Path.GetFileName(Arguments[0]) == "dotnet" && Arguments[1].EndsWith("AkkaMedia.Worker.dll", StringComparison.Ordinal);

    /// <summary>Whether this very process (not another that took its pid since) still runs; a zombie does not.</summary>
    public bool IsRunning => LinuxProcesses.Read(Pid) is { } now && now.StartTicks == StartTicks && now.State != 'Z';

    public override string ToString() => $"{Pid} {string.Join(' ', Arguments)}";
}

/// <summary>Reads <c>/proc</c>: the descendants of a process, and kills ones that outlived their parent.</summary>
public static class LinuxProcesses
{
    /// <summary>Every process under <paramref name="root"/> (not itself), children before grandchildren; empty when it is gone.</summary>
    public static IReadOnlyList<LinuxProcess> DescendantsOf(int root)
    {
        var all = new Dictionary<int, (int Parent, long StartTicks, char State)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } read)
            {
                all[pid] = read;
            }
        }

        var children = all.Where(p => p.Value.State != 'Z').ToLookup(p => p.Value.Parent, p => p.Key);
        var found = new List<LinuxProcess>();
        var queue = new Queue<int>(children[root]);
        while (queue.TryDequeue(out var pid))
        {
            found.Add(new LinuxProcess(pid, all[pid].StartTicks, Arguments(pid)));
            foreach (var child in children[pid])
            {
                queue.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>SIGKILL to each of <paramref name="processes"/> that still runs (and its children); for the cleanup of a spec whatever its outcome.</summary>
    public static void KillLeftovers(IEnumerable<LinuxProcess> processes)
    {
        foreach (var process in processes.Where(p => p.IsRunning))
        {
            try
            {
                using var running = Process.GetProcessById(process.Pid);
                running.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }
    }

    /// <summary>The parent, start time and state of <paramref name="pid"/> from <c>/proc/PID/stat</c>; null when it is gone.</summary>
    internal static (int Parent, long StartTicks, char State)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // pid (comm) state ppid ... with starttime the 22nd field; comm may hold spaces and parentheses.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture), fields[0][0]);
    }

    private static string[] Arguments(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
