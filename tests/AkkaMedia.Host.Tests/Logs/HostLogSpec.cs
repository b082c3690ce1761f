using System.Text.Json;
using System.Text.RegularExpressions;
using AkkaMedia.Host.Commands;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Host.Logs;

namespace AkkaMedia.Host.Tests.Logs;

/// <summary>
/// The log of <c>akkamedia node</c>: JSON or text lines on standard error, never on standard output, and every line
/// a session writes carries that session's id. A session actor is named after its session (the executor's child
/// <c>/user/akka-media-executor/ID</c>), so the id each line it writes should carry is read from its log source
/// (Akka's own lines about that path, such as dead letters, are not the session's).
/// </summary>
public sealed class HostLogSpec : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Regex SessionSource = new(@"/user/akka-media-executor/([^/:\s]+)$");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public HostLogSpec() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Node_with_json_logs_must_write_one_JSON_object_per_line_and_tag_every_session_line_with_its_SessionId()
    {
        var (stdout, stderr) = await RunSessionAgainstNodeAsync(LogFormat.Json);

        var events = LogLines(stderr).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var sessionEvents = events
            .Select(e => (Event: e, Match: SessionSource.Match(e.TryGetProperty("LogSource", out var source) ? source.GetString()! : string.Empty)))
            .Where(e => e.Match.Success && e.Event.GetProperty("SourceContext").GetString()!.StartsWith("AkkaMedia.Executor.", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(sessionEvents);
        Assert.All(sessionEvents, e => Assert.Equal(e.Match.Groups[1].Value, e.Event.GetProperty(HostLog.SessionIdProperty).GetString()));
        Assert.Contains(sessionEvents, e => e.Event.GetProperty("@m").GetString()!.Contains("started", StringComparison.Ordinal)
            && e.Event.GetProperty("NodeType").GetString() == "Gain");
        Assert.Contains(sessionEvents, e => e.Event.GetProperty("@m").GetString()!.EndsWith("ended", StringComparison.Ordinal));
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _), e.ToString()));
        AssertOnlyCommandLinesOn(stdout);
    }

    [Fact]
    public async Task Node_with_text_logs_must_write_one_readable_line_per_event_with_the_session_of_session_lines()
    {
        var (stdout, stderr) = await RunSessionAgainstNodeAsync(LogFormat.Text);

        var lines = LogLines(stderr);
        Assert.All(lines, line => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DBG|INF|WRN|ERR) ", line));
        var started = lines.Select(line => Regex.Match(line, @" INF \[session (?<id>[^\]]+)\] \S+/user/akka-media-executor/(?<actor>[^:]+): Session of Gain started over \w+ for client "))
            .Where(m => m.Success)
            .ToList();
        Assert.NotEmpty(started);
        Assert.All(started, m => Assert.Equal(m.Groups["actor"].Value, m.Groups["id"].Value));
        AssertOnlyCommandLinesOn(stdout);
    }

    [Fact]
    public async Task Node_must_name_a_bad_configured_log_format_and_exit_2()
    {
        var config = Path.Combine(_folder, "yaml.conf");
        await File.WriteAllTextAsync(config, "akka-media.log.format = yaml");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("akka-media.log.format", stderr);
        Assert.Contains("text or json", stderr);
    }

    [Theory]
    [InlineData("node", "--port", "0")]
    [InlineData("demo")]
    [InlineData("run", "pipeline.conf")]
    public async Task Every_command_must_refuse_an_unknown_log_format_flag_with_exit_2(params string[] args)
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync([.. args, "--log-format", "yaml"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--log-format must be text or json, not 'yaml'", stderr);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("run")]
    [InlineData("demo")]
    public async Task Every_command_that_runs_nodes_must_offer_the_log_format_in_help(string command)
    {
        var (exitCode, stdout, _) = await HostInvocation.InvokeAsync(command, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--log-format", stdout);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    /// <summary>The node's standard output carries what NodeCommand prints and nothing a logger wrote.</summary>
    private static void AssertOnlyCommandLinesOn(string stdout) =>
        Assert.All(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches("^(node: |READY |ADMIN |HTTP )", line));

    /// <summary>The lines of standard error that are log events: all but the command's own <c>node: …</c> messages.</summary>
    private static List<string> LogLines(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith("node: ", StringComparison.Ordinal)).ToList();

    /// <summary>Starts a node logging at info in <paramref name="format"/>, runs one remote Gain session on it, stops it; returns its output.</summary>
    private async Task<(string Stdout, string Stderr)> RunSessionAgainstNodeAsync(LogFormat format)
    {
        var config = Path.Combine(_folder, "info.conf");
        await File.WriteAllTextAsync(config, "akka.loglevel = INFO");
        var pipeline = Path.Combine(_folder, "gain.conf");
        await File.WriteAllTextAsync(pipeline, """
            pipeline {
              source { type = tone, duration = 200ms }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);
        var stdout = new ObservedWriter();
        var stderr = new ObservedWriter();
        using var stop = new CancellationTokenSource();
        var node = NodeCommand.RunAsync(
            new ClusterNodeOptions("127.0.0.1", 0, [], ["executor"], config) { AdminPort = 0, LogFormat = format },
            stdout,
            stderr,
            stop.Token);
        try
        {
            var ready = Regex.Match(await stdout.WaitForAsync("ADMIN ", Timeout), @"READY (\S+)");
            var run = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", ready.Groups[1].Value);
            Assert.True(run.ExitCode == 0, run.Stderr);
            await stderr.WaitForAsync(format == LogFormat.Json ? "\\\"Gain\\\" ended" : "Session of Gain ended", Timeout);
        }
        finally
        {
            stop.Cancel();
            await node.WaitAsync(Timeout);
        }

        return (stdout.ToString(), stderr.ToString());
    }
}
