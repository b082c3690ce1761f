using System.Globalization;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// A process and its descendants as <c>/proc</c> shows them right now: their pids, resident memory and CPU time. The
/// fallback for workers without cgroups; it misses processes that left the tree (re-parented) and children that ended.
/// </summary>
internal sealed class ProcessTree
{
    private const long ClockTicksPerSecond = 100; // USER_HZ: 100 on every Linux architecture .NET runs on.

    private ProcessTree(IReadOnlyList<int> pids, long residentBytes, TimeSpan cpuTime)
    {
        Pids = pids;
        ResidentBytes = residentBytes;
        CpuTime = cpuTime;
    }

    /// <summary>The pids of the root and its descendants that still run.</summary>
    public IReadOnlyList<int> Pids { get; }

    /// <summary>Sum of their resident set sizes, in bytes.</summary>
    public long ResidentBytes { get; }

    /// <summary>Sum of their user and system CPU time (ended children that were waited for included).</summary>
    public TimeSpan CpuTime { get; }

    /// <summary>The tree under <paramref name="root"/>; empty when it is gone or <c>/proc</c> cannot be read.</summary>
    public static ProcessTree Of(int root)
    {
        var stats = new Dictionary<int, (int Parent, long Ticks, long Rss)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Stat(dir) is { } stat)
                {
                    stats[pid] = stat;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProcessTree([], 0, TimeSpan.Zero);
        }

        if (!stats.ContainsKey(root))
        {
            return new ProcessTree([], 0, TimeSpan.Zero);
        }

        var children = stats.ToLookup(s => s.Value.Parent, s => s.Key);
        var tree = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var pid))
        {
            tree.Add(pid);
            foreach (var child in children[pid])
            {
                queue.Enqueue(child);
            }
        }

        var pageSize = Environment.SystemPageSize;
        return new ProcessTree(
            tree,
            tree.Sum(p => stats[p].Rss * pageSize),
            TimeSpan.FromSeconds(tree.Sum(p => stats[p].Ticks) / (double)ClockTicksPerSecond));
    }

    /// <summary>
    /// The fields of <c>stat</c> in <paramref name="dir"/> (<c>/proc/PID</c> or <c>/proc/PID/task/TID</c>) after the command
    /// name, which may hold spaces and ')': field n of proc(5) (counted from 1) is at index n − 3.
    /// </summary>
    /// <exception cref="IOException">The process or thread is gone, or its file cannot be read.</exception>
    internal static string[] StatFields(string dir)
    {
        var text = File.ReadAllText(Path.Combine(dir, "stat"));
        return text[(text.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static (int Parent, long Ticks, long Rss)? Stat(string dir)
    {
        try
        {
            // ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24).
            var fields = StatFields(dir);
            long Field(int n) => long.Parse(fields[n - 3], NumberStyles.Integer, CultureInfo.InvariantCulture);
            return ((int)Field(4), Field(14) + Field(15) + Field(16) + Field(17), Field(24));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
