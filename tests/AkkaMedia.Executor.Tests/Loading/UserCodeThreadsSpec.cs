using AkkaMedia.Executor.Loading;

namespace AkkaMedia.Executor.Tests.Loading;

public sealed class UserCodeThreadsSpec
{
    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public async Task Work_started_one_after_another_must_mostly_reuse_threads()
    {
        var threads = new HashSet<int>();
        for (var i = 0; i < 50; i++)
        {
            threads.Add(await RunAsync(static () => Environment.CurrentManagedThreadId));
        }

        Assert.True(threads.Count <= 25, $"{threads.Count} threads ran 50 items started one after another");
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
    }

    [Fact]
    public async Task Work_must_see_the_starter_s_context_and_leave_nothing_of_its_own_for_the_next_work()
    {
        Ambient.Value = "starter";
        var seen = await RunAsync(static () =>
        {
            var value = Ambient.Value;
            Ambient.Value = "left by user code";
            return value;
        });
        Ambient.Value = null;

        Assert.Equal("starter", seen);
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await RunAsync(static () => Ambient.Value));
        }
    }

    [Fact]
    public async Task Work_that_blocks_must_not_hold_up_other_work()
    {
        using var release = new ManualResetEventSlim();
        var blocked = RunAsync(() => release.Wait(TimeSpan.FromMinutes(1)));

        Assert.Equal(42, await RunAsync(static () => 42).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(blocked.IsCompleted);
        release.Set();
        Assert.True(await blocked);
    }

    private static Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        UserCodeThreads.Start(() => done.SetResult(work()), "spec");
        return done.Task;
    }
}
