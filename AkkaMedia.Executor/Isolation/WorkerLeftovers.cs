namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// What an executor that ended without stopping its workers (killed, crashed, its machine's power cut) leaves behind:
/// worker folders in <c>workers.folder</c> and empty worker cgroups. Each pool holds a lock file,
/// <c>pool-&lt;prefix&gt;.lock</c>, locked for as long as it runs; a starting pool removes every <c>w-&lt;prefix&gt;-*</c>
/// folder and cgroup whose prefix no running pool holds. Several executors may share one folder and one cgroup: a live
/// pool's lock keeps its workers' things, and a cgroup that still holds a process is never removed.
/// </summary>
/// <remarks>
/// The lock is an advisory whole-file lock (<see cref="FileShare.None"/>, <c>flock</c> on Linux), which the kernel
/// releases when its process ends however it ends. Not thread-safe; called while a pool starts and stops.
/// </remarks>
internal static class WorkerLeftovers
{
    private const string LockPrefix = "pool-";
    private const string LockSuffix = ".lock";

    /// <summary>Locks <c>pool-<paramref name="prefix"/>.lock</c> in <paramref name="folder"/>; the pool keeps the stream open while it runs and releases it with <see cref="Release"/>.</summary>
    public static FileStream Claim(string folder, string prefix) =>
        new(LockPath(folder, prefix), FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);

    /// <summary>Closes and deletes a pool's lock file.</summary>
    public static void Release(FileStream claim)
    {
        var path = claim.Name;
        claim.Dispose();
        TryDelete(path);
    }

    /// <summary>
    /// Removes the leftovers of pools that no longer run (the lock file of each, their worker folders in
    /// <paramref name="folder"/>, their empty cgroups under each of <paramref name="cgroupRoots"/>), never those of
    /// <paramref name="ownPrefix"/> or of a pool whose lock is held.
    /// </summary>
    /// <returns>The worker folders and cgroups removed.</returns>
    public static (int Folders, int Cgroups) Sweep(string folder, IEnumerable<string> cgroupRoots, string ownPrefix)
    {
        var live = new HashSet<string>(StringComparer.Ordinal) { ownPrefix };
        foreach (var path in SafeEnumerate(() => Directory.EnumerateFiles(folder, LockPrefix + "*" + LockSuffix)))
        {
            var name = Path.GetFileName(path);
            var prefix = name[LockPrefix.Length..^LockSuffix.Length];
            if (prefix == ownPrefix)
            {
                continue;
            }

            try
            {
                // Opened: nobody holds it, its pool is gone.
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1))
                {
                }

                TryDelete(path);
            }
            catch (IOException)
            {
                live.Add(prefix);
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's pool: never touch its things.
                live.Add(prefix);
            }
        }

        var folders = 0;
        foreach (var dir in SafeEnumerate(() => Directory.EnumerateDirectories(folder, "w-*")))
        {
            if (IsStale(Path.GetFileName(dir), live) && TryDeleteFolder(dir))
            {
                folders++;
            }
        }

        var cgroups = 0;
        foreach (var root in cgroupRoots)
        {
            foreach (var dir in SafeEnumerate(() => Directory.EnumerateDirectories(root, "w-*")))
            {
                if (IsStale(Path.GetFileName(dir), live) && IsEmptyCgroup(dir) && WorkerCgroup.TryRemove(dir))
                {
                    cgroups++;
                }
            }
        }

        return (folders, cgroups);
    }

    /// <summary>A worker id <c>w-&lt;prefix&gt;-&lt;n&gt;</c> whose prefix no live pool holds.</summary>
    internal static bool IsStale(string workerId, IReadOnlySet<string> live)
    {
        var parts = workerId.Split('-');
        return parts.Length == 3 && parts[0] == "w" && parts[1].Length > 0 && long.TryParse(parts[2], out _) && !live.Contains(parts[1]);
    }

    private static string LockPath(string folder, string prefix) => Path.Combine(folder, LockPrefix + prefix + LockSuffix);

    private static bool IsEmptyCgroup(string dir)
    {
        try
        {
            var procs = Path.Combine(dir, "cgroup.procs");
            return !File.Exists(procs) || File.ReadAllText(procs).Trim().Length == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool TryDeleteFolder(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next pool's sweep.
        }
    }

    private static List<string> SafeEnumerate(Func<IEnumerable<string>> list)
    {
        try
        {
            return [.. list()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
