using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>What a starting worker pool removes of the workers of executors that ended without stopping them, and what it must leave.</summary>
public sealed class WorkerLeftoversSpec : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("akka-media-leftovers-").FullName;

    [Fact]
    public void A_sweep_must_remove_the_folders_and_empty_cgroups_of_ended_pools_only()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "workers")).FullName;
        var cgroups = Directory.CreateDirectory(Path.Combine(_root, "cgroup")).FullName;

        // An executor that died: its lock file is there but nobody holds it.
        File.WriteAllText(Path.Combine(folder, "pool-dead0001.lock"), string.Empty);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "w-dead0001-1", "package")).FullName, "User.dll"), "x");
        Directory.CreateDirectory(Path.Combine(folder, "w-dead0001-2"));
        Directory.CreateDirectory(Path.Combine(cgroups, "w-dead0001-1"));
        var busy = Directory.CreateDirectory(Path.Combine(cgroups, "w-dead0001-2")).FullName;
        File.WriteAllText(Path.Combine(busy, "cgroup.procs"), "4242\n");

        // An executor without a lock file at all (it died before the sweep's time, or its file was deleted).
        Directory.CreateDirectory(Path.Combine(folder, "w-0rphan99-7"));

        // A running executor sharing the folder and the cgroup: its lock is held.
        using var live = WorkerLeftovers.Claim(folder, "live0002");
        Directory.CreateDirectory(Path.Combine(folder, "w-live0002-1"));
        Directory.CreateDirectory(Path.Combine(cgroups, "w-live0002-1"));

        // This pool's own, and things that are not worker folders.
        Directory.CreateDirectory(Path.Combine(folder, "w-own00003-1"));
        Directory.CreateDirectory(Path.Combine(folder, "w-notaworker"));
        Directory.CreateDirectory(Path.Combine(folder, "models"));

        var (folders, removedCgroups) = WorkerLeftovers.Sweep(folder, [cgroups], "own00003");

        Assert.Equal(3, folders);
        Assert.Equal(1, removedCgroups);
        Assert.Equal(
            ["models", "w-live0002-1", "w-notaworker", "w-own00003-1"],
            Directory.GetDirectories(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["pool-live0002.lock"], Directory.GetFiles(folder).Select(Path.GetFileName));

        // A cgroup that still holds a process is never removed, even of an ended pool.
        Assert.Equal(["w-dead0001-2", "w-live0002-1"], Directory.GetDirectories(cgroups).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_released_pool_must_leave_no_lock_file_and_its_workers_must_be_swept_by_the_next_pool()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "workers")).FullName;
        var claim = WorkerLeftovers.Claim(folder, "first001");
        Directory.CreateDirectory(Path.Combine(folder, "w-first001-1"));
        Assert.Equal((0, 0), WorkerLeftovers.Sweep(folder, [], "second02"));
        Assert.True(Directory.Exists(Path.Combine(folder, "w-first001-1")));

        WorkerLeftovers.Release(claim);

        Assert.Empty(Directory.GetFiles(folder));
        Assert.Equal((1, 0), WorkerLeftovers.Sweep(folder, [], "second02"));
        Assert.Empty(Directory.GetDirectories(folder));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
