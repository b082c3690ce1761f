using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests;

/// <summary>An <c>akkamedia run</c> client killed with SIGKILL in the middle of a stream.</summary>
public sealed class ClientCrashSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<OneExecutor>
{
    private const string LivePipeline = """
        pipeline {
          source { type = tone, frequency = 440, duration = 300s, realtime = true }
          stages = [ { type = Echo, delay = 100ms, decay = 0.5, remote = true } ]
          sink { type = discard }
        }
        """;

    private const string ShortPipeline = """
        pipeline {
          source { type = tone, frequency = 440, duration = 1s }
          stages = [ { type = Gain, gain = 0.5, remote = true } ]
          sink { type = discard }
        }
        """;

    private readonly ExecutorCluster _cluster;

    public ClientCrashSpec(OneExecutor fixture, ITestOutputHelper output)
        : base(output: output)
    {
        _cluster = fixture.Cluster;
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Executor_must_release_the_session_of_a_run_process_killed_mid_stream(RemoteTransport transport)
    {
        var executor = _cluster.Executors[0];
        await using var run = await StartLiveRunAsync(executor.Address, transport);
        await AwaitAssertAsync(
            async () => Assert.Equal(1, (await _cluster.StatusAsync(executor.Address)).ActiveSessions),
            ExecutorCluster.Patience,
            TimeSpan.FromMilliseconds(200));

        run.Kill();

        await AwaitAssertAsync(
            async () => Assert.Equal(0, (await _cluster.StatusAsync(executor.Address)).ActiveSessions),
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));
        Assert.False(executor.Process.HasExited, executor.Process.Transcript);
    }

    [Fact]
    public async Task Executor_must_stay_up_when_its_only_client_is_killed_even_if_the_client_has_the_lower_address()
    {
        // The executor listens above the ephemeral port range, so the client's port (and address) is lower:
        // a majority rule breaking the 1-1 tie by lowest address would down the executor.
        var folder = Path.Combine(_cluster.Folder, "lone");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "exclusive-port.conf");
        await File.WriteAllTextAsync(config, "akka.remote.dot-netty.tcp.reuse-addr = off\n");
        var port = FreePortAboveEphemeralRange().ToString(CultureInfo.InvariantCulture);
        await using var executor = await NodeProcess.StartAsync("--port", port, "--seeds", "127.0.0.1:" + port, "--config", config);
        await using (var run = await StartLiveRunAsync(executor.Address, RemoteTransport.StreamRefs))
        {
            run.Kill();
        }

        var decision = await executor.Process.WaitForLogLineAsync(l => l.Contains("SBR took decision", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "split-brain resolver decision");
        Assert.Contains("DownUnreachable", decision);
        Assert.DoesNotContain("including myself", decision);

        var pipeline = Path.Combine(folder, "short.conf");
        await File.WriteAllTextAsync(pipeline, ShortPipeline);
        await using var next = HostProcess.Start(["run", pipeline, "--seeds", executor.Address]);
        var exitCode = await next.WaitForExitAsync(ExecutorCluster.Patience + ExecutorCluster.Patience);
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{next.Transcript}{Environment.NewLine}{executor.Process.Transcript}");
        Assert.False(executor.Process.HasExited, executor.Process.Transcript);
    }

    /// <summary>Starts <c>akkamedia run</c> on a real-time source through a remote Echo and waits until elements flow.</summary>
    private async Task<HostProcess> StartLiveRunAsync(string seed, RemoteTransport transport)
    {
        var pipeline = Path.Combine(_cluster.Folder, $"live-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(pipeline, LivePipeline);
        var run = HostProcess.Start(["run", pipeline, "--seeds", seed, "--transport", transport.ToString()]);
        try
        {
            await run.WaitForLineAsync(l => Regex.IsMatch(l, @"^run: [1-9]\d* elements"), ExecutorCluster.Patience, "progress line with elements through the pipeline");
            return run;
        }
        catch (Exception e)
        {
            await run.DisposeAsync();
            var executor = _cluster.Executors.FirstOrDefault(n => n.Address == seed);
            throw new InvalidOperationException($"{e.Message}{Environment.NewLine}--- executor ---{Environment.NewLine}{executor?.Process.Transcript}", e);
        }
    }

    private static int FreePortAboveEphemeralRange()
    {
        for (var port = 61000 + Random.Shared.Next(4000); ; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (port < 65535)
            {
                // Taken: try the next one.
            }
        }
    }
}
