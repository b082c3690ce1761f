using Akka.Configuration;
using AkkaMedia.Executor.Isolation;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>The warm pool on real <c>AkkaMedia.Worker</c> processes under the default sandbox.</summary>
public sealed class WorkerPoolSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("akka-media-pool-spec-").FullName;

    [IsolationFact]
    public async Task A_warm_worker_that_dies_while_it_waits_must_no_longer_count_and_must_be_replaced()
    {
        var pool = StartPool(warm: 1);
        try
        {
            var first = 0;
            await AwaitAssertAsync(() => first = Assert.Single(pool.WarmPids), TimeSpan.FromSeconds(30));
            Assert.Equal(1, pool.Warm);

            System.Diagnostics.Process.GetProcessById(first).Kill();

            await AwaitAssertAsync(
                () =>
                {
                    var replacement = Assert.Single(pool.WarmPids);
                    Assert.NotEqual(first, replacement);
                    Assert.Equal(1, pool.Warm);
                    Assert.Equal(1, pool.Running);
                },
                TimeSpan.FromSeconds(30));

            // The dead one's folder went with it: only the replacement's is left beside the pool's lock.
            await AwaitAssertAsync(() => Assert.Single(Directory.GetDirectories(_folder)), TimeSpan.FromSeconds(10));
        }
        finally
        {
            pool.Dispose();
        }

        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [IsolationFact]
    public async Task A_warm_worker_must_wait_at_the_lowest_priority_and_serve_its_session_at_normal_priority()
    {
        var pool = StartPool(warm: 1);
        try
        {
            var warm = 0;
            await AwaitAssertAsync(() => warm = Assert.Single(pool.WarmPids), TimeSpan.FromSeconds(30));
            var waiting = NiceValues(warm);
            Assert.NotEmpty(waiting);
            Assert.All(waiting, nice => Assert.Equal(19, nice));

            using var worker = await pool.TakeAsync("session-1");
            Assert.Equal(warm, worker.Process.Pid);
            var serving = NiceValues(warm);
            Assert.Equal(waiting.Count, serving.Count);
            Assert.All(serving, nice => Assert.Equal(0, nice));

            // Its replacement in the pool waits niced again.
            await AwaitAssertAsync(
                () =>
                {
                    var replacement = Assert.Single(pool.WarmPids);
                    Assert.NotEqual(warm, replacement);
                    Assert.All(NiceValues(replacement), nice => Assert.Equal(19, nice));
                },
                TimeSpan.FromSeconds(30));
        }
        finally
        {
            pool.Dispose();
        }
    }

    [IsolationFact]
    public async Task A_worker_a_session_waits_for_must_start_at_normal_priority()
    {
        var pool = StartPool(warm: 0);
        try
        {
            using var worker = await pool.TakeAsync("session-1");
            Assert.All(NiceValues(worker.Process.Pid), nice => Assert.Equal(0, nice));
        }
        finally
        {
            pool.Dispose();
        }
    }

    /// <summary>A pool of real workers in the spec's folder, keeping <paramref name="warm"/> warm.</summary>
    private WorkerPool StartPool(int warm) => WorkerPool.Start(
        WorkerSettings.Create(ConfigurationFactory.ParseString($$"""
            akka-media.executor.isolation = process
            akka-media.executor.workers { warm = {{warm}}, folder = "{{_folder}}" }
            """)),
        Sys.Log);

    /// <summary>The nice value of every thread of every process in the tree under <paramref name="root"/>.</summary>
    private static List<int> NiceValues(int root) =>
        [.. ProcessTree.Of(root).Pids.SelectMany(WarmPriority.Threads).Select(WarmPriority.NiceOf)];

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
