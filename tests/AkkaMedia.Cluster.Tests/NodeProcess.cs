namespace AkkaMedia.Cluster.Tests;

/// <summary>
/// An <c>akkamedia node</c> process that printed <c>READY address</c>: an up member of its cluster
/// (an executor unless other roles were asked for). Disposing kills it.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    /// <summary>How long a node may take to start and join on a busy machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private NodeProcess(HostProcess process, string address)
    {
        Process = process;
        Address = address;
    }

    /// <summary>The node's process.</summary>
    public HostProcess Process { get; }

    /// <summary>The node's address as it printed it, <c>akka.tcp://media@127.0.0.1:port</c>.</summary>
    public string Address { get; }

    /// <summary>Starts <c>akkamedia node ARGS</c> and completes once it prints <c>READY</c>; kills it if it does not.</summary>
    public static Task<NodeProcess> StartAsync(params string[] args) => WhenReadyAsync(HostProcess.Start(["node", .. args]));

    /// <summary>
    /// Starts <c><paramref name="command"/> node ARGS</c>, an <c>akkamedia</c> other than the one built beside the
    /// specs (an installed tool), in <paramref name="workingDirectory"/>; completes once it prints <c>READY</c>.
    /// </summary>
    public static Task<NodeProcess> StartCommandAsync(string command, string workingDirectory, params string[] args) =>
        WhenReadyAsync(HostProcess.StartCommand(command, ["node", .. args], workingDirectory));

    private static async Task<NodeProcess> WhenReadyAsync(HostProcess process)
    {
        try
        {
            var ready = await process.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal), StartTimeout, "READY line").ConfigureAwait(false);
            return new NodeProcess(process, ready["READY ".Length..].Trim());
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SIGKILL: the node vanishes without leaving the cluster.</summary>
    public void Kill() => Process.Kill();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
