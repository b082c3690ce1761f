namespace AkkaMedia.Cluster.Tests;

/// <summary>A class fixture: two executor processes (the seed on a port given the documented way) and an in-test client.</summary>
public sealed class TwoExecutors : IAsyncLifetime
{
    private ExecutorCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public ExecutorCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await ExecutorCluster.StartAsync(2, documentedSeedForm: true);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
