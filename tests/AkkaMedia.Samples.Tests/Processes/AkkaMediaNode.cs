namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>
/// A real <c>akkamedia node</c> process with the executor role on a free loopback port, the first
/// member of its own cluster: what a user starts in another terminal before running a sample with
/// <c>--seeds</c>. Disposing kills it.
/// </summary>
internal sealed class AkkaMediaNode : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;

    private AkkaMediaNode(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port the node listens on at 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The node's address, <c>akka.tcp://media@127.0.0.1:port</c>.</summary>
    public string Address => $"akka.tcp://media@127.0.0.1:{Port}";

    /// <summary>The seed to give a client: <c>127.0.0.1:port</c>.</summary>
    public string Seed => $"127.0.0.1:{Port}";

    /// <summary>The folder the node runs from: the host's build output, which holds no sample's assemblies.</summary>
    public static string Folder => Path.GetDirectoryName(BuildOutput.Host())!;

    /// <summary>
    /// Starts the node and completes once it prints <c>READY</c> (it is an up member of its cluster).
    /// <paramref name="extraArgs"/> go after the node's own (<c>--config file.conf</c>, say).
    /// </summary>
    /// <exception cref="TimeoutException">It did not get ready in time (it has been killed); the message holds its output.</exception>
    public static async Task<AkkaMediaNode> StartAsync(string workingDirectory, IEnumerable<string>? extraArgs = null)
    {
        var port = LoopbackPort.Free();
        var process = ChildProcess.StartDll(
            BuildOutput.Host(),
            ["node", "--hostname", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seeds", $"127.0.0.1:{port}", "--roles", "executor", .. extraArgs ?? []],
            workingDirectory);
        var node = new AkkaMediaNode(process, port);
        try
        {
            await process.WaitForLineAsync(line => line == $"READY {node.Address}", ReadyTimeout).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The node's command line and output so far, for assertion messages.</summary>
    public override string ToString() => _process.ToString();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
