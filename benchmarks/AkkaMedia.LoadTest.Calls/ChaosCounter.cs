namespace AkkaMedia.LoadTest.Calls;

/// <summary>The <see cref="IChaosCounter"/> shipped to the executors; its count is its whole state.</summary>
public sealed class ChaosCounter : IChaosCounter
{
    private long _count;

    /// <inheritdoc />
    public Task<long> IncrementAsync() => Task.FromResult(++_count);

    /// <inheritdoc />
    public Task<long> CountAsync() => Task.FromResult(_count);
}
