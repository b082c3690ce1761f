using System.Text.RegularExpressions;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A real <c>akkamedia serve PIPELINE.conf --seeds SEED --http-port 0</c> that printed <c>READY http://127.0.0.1:PORT …</c>.
/// Disposing kills it (SIGKILL) if it still runs.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private ServeProcess(HostProcess process, Uri url)
    {
        Process = process;
        Url = url;
    }

    /// <summary>The process.</summary>
    public HostProcess Process { get; }

    /// <summary>The server's base URL as READY printed it (<c>http://127.0.0.1:PORT</c>).</summary>
    public Uri Url { get; }

    /// <summary>Starts serve of <paramref name="pipeline"/> (under hocon/) with remote stages on the cluster at <paramref name="seed"/>; completes at READY.</summary>
    public static async Task<ServeProcess> StartAsync(string pipeline, string seed)
    {
        var process = HostProcess.Start(["serve", TestPaths.Hocon(pipeline), "--seeds", seed, "--http-hostname", "127.0.0.1", "--http-port", "0"]);
        try
        {
            var ready = await process.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal) && UrlPattern().IsMatch(l), NodeProcess.StartTimeout, "READY line with the URL").ConfigureAwait(false);
            return new ServeProcess(process, new Uri(UrlPattern().Match(ready).Value));
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@"http://[^\s""']+")]
    private static partial Regex UrlPattern();
}
