namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>
/// One real <c>akkamedia node</c> (executor role, started from the host's build folder) shared by the specs of
/// the samples that ship code, with its package store in a temporary folder of its own, deleted afterwards.
/// Sharing it also shows an executor serving one sample after another, each in its own load context.
/// </summary>
public sealed class ExecutorNodeFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));
    private AkkaMediaNode? _node;

    /// <summary>The running node.</summary>
    internal AkkaMediaNode Node => _node ?? throw new InvalidOperationException("The node has not been started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var config = Path.Combine(_folder, "node.conf");
        var packages = Path.Combine(_folder, "packages").Replace("\\", "/", StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, $"akka-media.executor.packages.folder = \"{packages}\"\n");
        _node = await AkkaMediaNode.StartAsync(_folder, ["--config", config]);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
