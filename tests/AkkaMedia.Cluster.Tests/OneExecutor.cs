namespace AkkaMedia.Cluster.Tests;

/// <summary>A class fixture: one executor process on any free port and an in-test client that watches it.</summary>
public sealed class OneExecutor : IAsyncLifetime
{
    private ExecutorCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public ExecutorCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await ExecutorCluster.StartAsync(1);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
