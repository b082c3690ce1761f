using AkkaMedia.Speech.Models;

namespace AkkaMedia.Speech.Tests;

public sealed class SharedModelsSpec
{
    [Fact]
    public async Task Inferences_beyond_the_concurrency_limit_must_wait_for_a_slot_and_be_counted()
    {
        var models = new SharedModels<FakeModel>(path => new FakeModel());
        using var a = models.Acquire("/models/fake", maxConcurrency: 1, TimeSpan.Zero);
        using var b = models.Acquire("/models/fake", maxConcurrency: 1, TimeSpan.Zero);
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRan = false;

        var running = a.RunAsync((_, _) => first.Task, CancellationToken.None);
        var waiting = b.RunAsync((_, _) => { secondRan = true; return Task.FromResult(2); }, CancellationToken.None);

        Assert.False(waiting.IsCompleted);
        Assert.False(secondRan);
        first.SetResult(1);
        Assert.Equal((1, 2), (await running, await waiting));
        Assert.Equal(1, models.Queued);
        Assert.Equal(1, models.LoadsOf("/models/fake"));
    }

    [Fact]
    public void The_last_lease_must_unload_the_model_at_once_with_no_idle_time_and_a_failed_load_must_not_be_cached()
    {
        var attempts = 0;
        var models = new SharedModels<FakeModel>(path => ++attempts == 1 ? throw new InvalidDataException("bad file") : new FakeModel());

        Assert.Throws<InvalidDataException>(() => models.Acquire("/models/flaky", 1, TimeSpan.Zero));
        var lease = models.Acquire("/models/flaky", 1, TimeSpan.Zero);
        var model = lease.Model;
        Assert.True(models.IsLoaded("/models/flaky"));

        lease.Dispose();

        Assert.False(models.IsLoaded("/models/flaky"));
        Assert.True(model.Disposed);
        Assert.Throws<ObjectDisposedException>(() => lease.Model);
    }

    private sealed class FakeModel : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
