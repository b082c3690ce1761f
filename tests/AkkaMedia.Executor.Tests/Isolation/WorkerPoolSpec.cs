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
        var settings = WorkerSettings.Create(ConfigurationFactory.ParseString($$"""
            akka-media.executor.isolation = process
            akka-media.executor.workers { warm = 1, folder = "{{_folder}}" }
            """));
        var pool = WorkerPool.Start(settings, Sys.Log);
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

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
