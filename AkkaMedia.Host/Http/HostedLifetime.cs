using Microsoft.Extensions.Hosting;

namespace AkkaMedia.Host.Http;

/// <summary>
/// A host lifetime that leaves Ctrl-C and SIGTERM alone: the node decides when the HTTP server stops (after it has
/// drained), so the default console lifetime, which would stop the server on the first signal, is replaced.
/// </summary>
internal sealed class HostedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
