using System.Globalization;
using System.Net;
using AkkaMedia.Samples.Tests.Processes;
using NAudio.Wave;

namespace AkkaMedia.Host.Tests.Operations;

/// <summary>
/// Graceful drain of a real <c>akkamedia node</c> executor on SIGTERM while an <c>akkamedia run</c> process streams
/// through it: the running stream completes with every frame (or, past the drain timeout, fails saying why), the node
/// reports not ready while it drains, then leaves and exits 0. Every process is killed whatever the outcome.
/// </summary>
public sealed class DrainProcessSpec : IDisposable
{
    private const int SampleRate = 48000;
    private const int SamplesPerFrame = 960;
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(60);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public DrainProcessSpec() => Directory.CreateDirectory(_folder);

    private static string Host => Path.Combine(AppContext.BaseDirectory, "akkamedia.dll");

    [Fact]
    public async Task Sigterm_must_let_a_running_stream_finish_with_every_frame_report_not_ready_meanwhile_and_exit_0()
    {
        const int seconds = 8;
        var (node, url) = await StartNodeAsync(drainTimeoutSeconds: 120);
        await using var _ = node;
        var output = Path.Combine(_folder, "out.wav");
        await using var run = StartRun(seconds, output, node);
        await WaitForRunningSessionAsync(url, run);

        ProcessSignal.Terminate(node.Id);
        await node.WaitForLineAsync(l => l.StartsWith("node: draining", StringComparison.Ordinal), Ready);
        var (draining, drainingBody) = await GetAsync(url + "/readyz");
        var runExit = await run.WaitForExitAsync(TimeSpan.FromSeconds(seconds) + Slack);
        var nodeExit = await node.WaitForExitAsync(Slack);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, draining);
        Assert.StartsWith("not ready: draining", drainingBody);
        Assert.True(runExit == 0, run.ToString());
        using (var wav = new WaveFileReader(output))
        {
            Assert.Equal(seconds * SampleRate, wav.SampleCount);
        }

        Assert.True(nodeExit == 0, node.ToString());
        Assert.Contains("node: drained: 1 session(s) finished, 0 failed at the drain timeout", node.Stdout);
        Assert.Contains("node: stopped", node.Stdout);
    }

    [Fact]
    public async Task Sigterm_must_fail_a_stream_longer_than_the_drain_timeout_naming_the_executor_and_the_timeout_and_exit_0()
    {
        var (node, url) = await StartNodeAsync(drainTimeoutSeconds: 2);
        await using var _ = node;
        await using var run = StartRun(seconds: 600, Path.Combine(_folder, "long.wav"), node);
        await WaitForRunningSessionAsync(url, run);

        ProcessSignal.Terminate(node.Id);
        var runExit = await run.WaitForExitAsync(Slack);
        var nodeExit = await node.WaitForExitAsync(Slack);

        Assert.Equal(1, runExit);
        Assert.Contains("is shutting down: the drain timeout of 2 s elapsed before session", run.Stderr);
        Assert.Contains("akka.tcp://media@127.0.0.1:", run.Stderr);
        Assert.True(nodeExit == 0, node.ToString());
        Assert.Contains("node: drained: 0 session(s) finished, 1 failed at the drain timeout", node.Stdout);
    }

    [Fact]
    public async Task Cmd_cluster_leave_of_the_executor_itself_must_drain_it_like_SIGTERM_and_exit_0()
    {
        var (node, url) = await StartNodeAsync(drainTimeoutSeconds: 2);
        await using var _ = node;
        await using var run = StartRun(seconds: 600, Path.Combine(_folder, "long.wav"), node);
        await WaitForRunningSessionAsync(url, run);
        var address = AddressOf(node);

        var (leaveExit, leaveOutput) = await CmdAsync(AdminPortOf(node), "cluster", "leave", address);
        var runExit = await run.WaitForExitAsync(Slack);
        var nodeExit = await node.WaitForExitAsync(Slack);

        Assert.True(leaveExit == 0, leaveOutput);
        Assert.Contains($"{address} asked to leave the cluster (this node: it drains its sessions, leaves and stops)", leaveOutput);
        Assert.Equal(1, runExit);
        Assert.Contains($"Executor {address} is shutting down: the drain timeout of 2 s elapsed", run.Stderr);
        Assert.True(nodeExit == 0, node.ToString());
        Assert.Contains("node: drained: 0 session(s) finished, 1 failed at the drain timeout", node.Stdout);
        Assert.True(node.Stdout.Contains("node: left the cluster; stopped", StringComparison.Ordinal), node.ToString());
    }

    [Fact]
    public async Task Cmd_cluster_leave_of_an_executor_from_another_node_must_drain_it_so_its_stream_completes_and_it_exits_0()
    {
        const int seconds = 6;
        var seedPort = LoopbackPort.Free();
        await using var seed = ChildProcess.StartDll(
            Host,
            ["node", "--port", Text(seedPort), "--seeds", $"127.0.0.1:{seedPort}", "--roles", "client", "--admin-port", "0"],
            _folder);
        await seed.WaitForLineAsync(l => l.StartsWith("ADMIN ", StringComparison.Ordinal), Ready);
        var (executor, url) = await StartNodeAsync(drainTimeoutSeconds: 120, seeds: $"127.0.0.1:{seedPort}");
        await using var _ = executor;
        var output = Path.Combine(_folder, "out.wav");
        await using var run = StartRun(seconds, output, seed);
        await WaitForRunningSessionAsync(url, run);

        var (leaveExit, leaveOutput) = await CmdAsync(AdminPortOf(seed), "cluster", "leave", AddressOf(executor));
        var runExit = await run.WaitForExitAsync(TimeSpan.FromSeconds(seconds) + Slack);
        var executorExit = await executor.WaitForExitAsync(Slack);

        Assert.True(leaveExit == 0, leaveOutput);
        Assert.True(runExit == 0, run.ToString());
        using (var wav = new WaveFileReader(output))
        {
            Assert.Equal(seconds * SampleRate, wav.SampleCount);
        }

        Assert.True(executorExit == 0, executor.ToString());
        Assert.Contains("node: drained: 1 session(s) finished, 0 failed at the drain timeout", executor.Stdout);
        Assert.Contains("node: left the cluster; stopped", executor.Stdout);
    }

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string AddressOf(ChildProcess node) => LineOf(node, "READY ");

    private static int AdminPortOf(ChildProcess node) => int.Parse(LineOf(node, "ADMIN ").Split(':')[1], CultureInfo.InvariantCulture);

    private static string LineOf(ChildProcess node, string prefix) =>
        node.Stdout.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

    private static async Task<(int ExitCode, string Output)> CmdAsync(int adminPort, params string[] args)
    {
        await using var cmd = ChildProcess.StartDll(Host, ["cmd", "--port", Text(adminPort), .. args], AppContext.BaseDirectory);
        var exit = await cmd.WaitForExitAsync(Slack);
        return (exit, cmd.ToString());
    }

    private async Task<(ChildProcess Node, string Url)> StartNodeAsync(int drainTimeoutSeconds, string? seeds = null)
    {
        var port = LoopbackPort.Free();
        var node = ChildProcess.StartDll(
            Host,
            ["node", "--port", Text(port), "--seeds", seeds ?? $"127.0.0.1:{port}", "--admin-port", "0", "--http-port", "0", "--drain-timeout", Text(drainTimeoutSeconds)],
            _folder);
        try
        {
            var line = await node.WaitForLineAsync(l => l.StartsWith("HTTP http://", StringComparison.Ordinal), Ready);
            return (node, line["HTTP ".Length..].Trim());
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>akkamedia run</c> of a paced tone through a remote Gain into a WAV file, joining the cluster at <paramref name="node"/>.</summary>
    private ChildProcess StartRun(int seconds, string output, ChildProcess node)
    {
        var pipeline = Path.Combine(_folder, $"paced-{seconds}.conf");
        File.WriteAllText(pipeline, $$"""
            pipeline {
              source { type = tone, realtime = true, duration = {{seconds}}s, sample-rate = {{SampleRate}}, channels = 1, samples-per-frame = {{SamplesPerFrame}} }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = wav-file, path = "{{output.Replace("\\", "/", StringComparison.Ordinal)}}", format = pcm16 }
            }
            """);
        return ChildProcess.StartDll(Host, ["run", pipeline, "--seeds", AddressOf(node)], _folder);
    }

    /// <summary>Polls <c>/readyz</c> until the executor reports one running session (the run has opened its remote stage).</summary>
    private async Task WaitForRunningSessionAsync(string url, ChildProcess run)
    {
        var body = string.Empty;
        for (var attempt = 0; attempt < 600 && !run.HasExited; attempt++)
        {
            (_, body) = await GetAsync(url + "/readyz");
            if (body.Contains("(1/", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The run's session did not start on the executor; last /readyz: {body}\n{run}");
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
    {
        using var response = await _http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
