using System.Globalization;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The cgroups this executor may make for its workers: for cgroup v1 one <c>akka-media</c> folder per controller
/// (memory, cpu, cpuacct, pids) under the executor's own group of that controller, for cgroup v2 one under its
/// own unified group. Worker groups are nested below the executor's own so that they stay inside whatever limits
/// the executor itself runs under (a container's, a systemd unit's).
/// </summary>
/// <remarks>Thread-safe; immutable after <see cref="Detect"/>.</remarks>
internal sealed class CgroupHost
{
    private const string Folder = "akka-media";

    private readonly Dictionary<string, string> _v1;
    private readonly string? _v2;

    private CgroupHost(Dictionary<string, string> v1, string? v2)
    {
        _v1 = v1;
        _v2 = v2;
    }

    /// <summary>The controllers whose limits are enforced (<c>memory</c>, <c>cpu</c>, <c>pids</c>, <c>cpuacct</c>); empty when no cgroup is writable.</summary>
    public IReadOnlyCollection<string> Controllers => _v2 is null ? _v1.Keys : ["memory", "cpu", "pids", "cpuacct"];

    /// <summary>The <c>akka-media</c> folders worker cgroups are made in (one per v1 controller, or the v2 one).</summary>
    public IEnumerable<string> Roots => _v2 is not null ? [_v2] : _v1.Values.Distinct(StringComparer.Ordinal);

    /// <summary>Whether the memory limit is enforced by a cgroup.</summary>
    public bool HasMemory => _v2 is not null || _v1.ContainsKey("memory");

    /// <summary>"cgroup v1", "cgroup v2" or "no cgroup", for log lines.</summary>
    public string Kind => _v2 is not null ? "cgroup v2" : _v1.Count > 0 ? "cgroup v1" : "no cgroup";

    /// <summary>
    /// Finds the writable cgroups of this process from <c>/proc/self/mountinfo</c> and <c>/proc/self/cgroup</c> and
    /// makes their <c>akka-media</c> folders. Never throws: a controller that is missing or not writable is left out
    /// (<paramref name="problems"/> says why).
    /// </summary>
    public static CgroupHost Detect(out IReadOnlyList<string> problems)
    {
        var notes = new List<string>();
        problems = notes;
        if (!OperatingSystem.IsLinux())
        {
            notes.Add("cgroups exist only on Linux");
            return new CgroupHost([], null);
        }

        List<(string Root, string MountPoint, string Type, string[] Options)> mounts;
        Dictionary<string, string> own;
        try
        {
            mounts = File.ReadAllLines("/proc/self/mountinfo").Select(ParseMount).Where(m => m.Type is "cgroup" or "cgroup2").ToList();
            own = File.ReadAllLines("/proc/self/cgroup")
                .Select(l => l.Split(':', 3))
                .Where(p => p.Length == 3)
                .SelectMany(p => p[1].Length == 0 ? [("", p[2])] : p[1].Split(',').Select(c => (Controller: c, Path: p[2])))
                .GroupBy(e => e.Item1)
                .ToDictionary(g => g.Key, g => g.First().Item2);
        }
        catch (IOException e)
        {
            notes.Add("cannot read /proc/self: " + e.Message);
            return new CgroupHost([], null);
        }

        // cgroup v2 only when its controllers are there (a hybrid host mounts an empty unified hierarchy as well).
        var unified = mounts.FirstOrDefault(m => m.Type == "cgroup2");
        if (unified.MountPoint is not null && own.TryGetValue("", out var ownV2))
        {
            var dir = Under(unified.MountPoint, unified.Root, ownV2);
            var available = ReadOrEmpty(Path.Combine(unified.MountPoint, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (available.Contains("memory"))
            {
                var v2 = TryMakeV2(dir, notes);
                if (v2 is not null)
                {
                    return new CgroupHost([], v2);
                }
            }
        }

        var v1 = new Dictionary<string, string>();
        foreach (var controller in new[] { "memory", "cpu", "cpuacct", "pids" })
        {
            var mount = mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains(controller));
            if (mount.MountPoint is null || !own.TryGetValue(controller, out var ownPath))
            {
                notes.Add($"no cgroup v1 {controller} controller is mounted");
                continue;
            }

            var dir = Path.Combine(Under(mount.MountPoint, mount.Root, ownPath), Folder);
            try
            {
                Directory.CreateDirectory(dir);
                if (controller == "memory")
                {
                    // A worker's usage must count towards the executor's group too (the default everywhere but very old kernels).
                    TryWrite(Path.Combine(dir, "memory.use_hierarchy"), "1");
                }

                v1[controller] = dir;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes.Add($"{dir} is not writable ({e.Message})");
            }
        }

        return new CgroupHost(v1, null);
    }

    /// <summary>Makes the groups of one worker and sets its limits; the caller puts the worker in them (<see cref="WorkerCgroup.ProcsFiles"/>).</summary>
    /// <exception cref="IOException">A group could not be made or a limit not set; nothing is left behind.</exception>
    public WorkerCgroup Create(string workerId, long memoryLimit, double cpuLimit, int maxProcesses)
    {
        var made = new List<string>();
        try
        {
            if (_v2 is not null)
            {
                var dir = MakeDirectory(_v2, workerId, made);
                File.WriteAllText(Path.Combine(dir, "memory.max"), memoryLimit.ToString(CultureInfo.InvariantCulture));
                TryWrite(Path.Combine(dir, "memory.swap.max"), "0");
                File.WriteAllText(Path.Combine(dir, "cpu.max"), $"{Quota(cpuLimit)} {Period}");
                File.WriteAllText(Path.Combine(dir, "pids.max"), maxProcesses.ToString(CultureInfo.InvariantCulture));
                return new WorkerCgroup(2, new Dictionary<string, string> { ["unified"] = dir });
            }

            var groups = new Dictionary<string, string>();
            foreach (var (controller, root) in _v1)
            {
                var dir = MakeDirectory(root, workerId, made);
                groups[controller] = dir;
                switch (controller)
                {
                    case "memory":
                        File.WriteAllText(Path.Combine(dir, "memory.limit_in_bytes"), memoryLimit.ToString(CultureInfo.InvariantCulture));
                        // memory+swap no higher than memory alone: a worker cannot escape its limit into swap.
                        TryWrite(Path.Combine(dir, "memory.memsw.limit_in_bytes"), memoryLimit.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "cpu":
                        File.WriteAllText(Path.Combine(dir, "cpu.cfs_period_us"), Period.ToString(CultureInfo.InvariantCulture));
                        File.WriteAllText(Path.Combine(dir, "cpu.cfs_quota_us"), Quota(cpuLimit).ToString(CultureInfo.InvariantCulture));
                        break;
                    case "pids":
                        File.WriteAllText(Path.Combine(dir, "pids.max"), maxProcesses.ToString(CultureInfo.InvariantCulture));
                        break;
                }
            }

            return new WorkerCgroup(1, groups);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var dir in made)
            {
                WorkerCgroup.TryRemove(dir);
            }

            throw new IOException($"The cgroups of worker {workerId} could not be set up: {e.Message}", e);
        }
    }

    private const int Period = 100_000;

    private static long Quota(double cores) => Math.Max(1_000, (long)Math.Round(cores * Period));

    private static string MakeDirectory(string root, string workerId, List<string> made)
    {
        var dir = Path.Combine(root, workerId);
        if (Directory.Exists(dir))
        {
            // Left by an executor that died with this worker id (its workers died with it: --die-with-parent), or in use by
            // another executor that shares this cgroup and picked the same id: never kill what may be someone else's.
            if (File.Exists(Path.Combine(dir, "cgroup.procs")) && File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Trim().Length > 0)
            {
                throw new IOException($"{dir} exists and holds processes: another executor on this host uses the worker id {workerId}.");
            }

            WorkerCgroup.TryRemove(dir);
        }

        Directory.CreateDirectory(dir);
        made.Add(dir);
        return dir;
    }

    private static string? TryMakeV2(string own, List<string> notes)
    {
        var dir = Path.Combine(own, Folder);
        try
        {
            // Controllers reach a child only through every parent's subtree_control; a group that holds processes
            // (the executor's own, unless it is the root) cannot delegate them, which fails here.
            File.WriteAllText(Path.Combine(own, "cgroup.subtree_control"), "+memory +cpu +pids");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "cgroup.subtree_control"), "+memory +cpu +pids");
            return dir;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add($"cgroup v2 at {own} cannot delegate memory, cpu and pids ({e.Message})");
            return null;
        }
    }

    private static string Under(string mountPoint, string mountRoot, string ownPath)
    {
        var relative = ownPath;
        if (mountRoot != "/" && relative.StartsWith(mountRoot, StringComparison.Ordinal))
        {
            relative = relative[mountRoot.Length..];
        }

        return Path.Combine(mountPoint, relative.TrimStart('/'));
    }

    private static (string Root, string MountPoint, string Type, string[] Options) ParseMount(string line)
    {
        // id parent major:minor root mount-point options [optional fields] - type source super-options
        var fields = line.Split(' ');
        var dash = Array.IndexOf(fields, "-");
        if (fields.Length < 5 || dash < 0 || dash + 3 >= fields.Length)
        {
            return ("", "", "", []);
        }

        return (Unescape(fields[3]), Unescape(fields[4]), fields[dash + 1], fields[dash + 3].Split(','));
    }

    private static string Unescape(string field) => field.Replace("\\040", " ", StringComparison.Ordinal);

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static void TryWrite(string path, string value)
    {
        try
        {
            if (File.Exists(path))
            {
                File.WriteAllText(path, value);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Optional knob (memsw needs swap accounting; use_hierarchy is fixed once a group has children).
        }
    }
}
