using System.Globalization;
using System.Net.Http;
using System.Text.RegularExpressions;
using AkkaMedia.Host.Commands;
using AkkaMedia.Host.Hosting;

namespace AkkaMedia.Host.Tests.Operations;

/// <summary>
/// <c>akkamedia run --http-port</c>: a client with a remote stage serves <c>/metrics</c> while its pipeline runs, so the
/// remote round trip, which only a client can measure, reaches Prometheus; the server goes with the run.
/// </summary>
public sealed class RunHttpSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<BuiltInExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly BuiltInExecutor _executor;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public RunHttpSpec(BuiltInExecutor executor)
    {
        _executor = executor;
        Directory.CreateDirectory(_folder);
    }

    [Fact]
    public async Task Run_with_an_http_port_must_report_its_remote_round_trips_in_metrics_while_the_pipeline_runs()
    {
        var pipeline = Path.Combine(_folder, "live.conf");
        await File.WriteAllTextAsync(pipeline, """
            pipeline {
              source { type = tone, realtime = true, duration = 120s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);
        var stdout = new ObservedWriter();
        var stderr = new ObservedWriter();
        using var stop = new CancellationTokenSource();
        var node = new ClusterNodeOptions("127.0.0.1", 0, [_executor.Address], ["client"], null) { HttpPort = 0 };

        var run = RunCommand.RunAsync(pipeline, node, null, null, null, stdout, stderr, stop.Token);
        string url;
        try
        {
            var text = await stdout.WaitForAsync("run: ", Timeout);
            url = Regex.Match(text, @"^HTTP (http://\S+)", RegexOptions.Multiline).Groups[1].Value;
            Assert.StartsWith("http://127.0.0.1:", url);

            await AwaitAssertAsync(async () =>
            {
                var metrics = await _http.GetStringAsync($"{url}/metrics");
                Assert.True(Series(metrics, "akkamedia_remote_frames_received", "Gain") > 0, metrics);
                Assert.True(Series(metrics, "akkamedia_remote_round_trip_count", "Gain") >= 1, metrics);
            }, Timeout, TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            await stop.CancelAsync();
        }

        Assert.Equal(1, await run.WaitAsync(Timeout));
        Assert.Contains("run: cancelled.", stderr.ToString());
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetStringAsync($"{url}/healthz"));
    }

    [Fact]
    public async Task Run_of_a_local_pipeline_must_say_that_it_ignores_the_http_port_and_still_run()
    {
        var pipeline = Path.Combine(_folder, "local.conf");
        await File.WriteAllTextAsync(pipeline, """
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5 } ]
              sink { type = discard }
            }
            """);

        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--http-port", "0");

        Assert.Equal(0, exitCode);
        Assert.Contains("--http-port is ignored", stderr);
        Assert.DoesNotContain("HTTP ", stdout);
        Assert.Contains("run: done:", stdout);
    }

    protected override void Dispose(bool disposing)
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
        base.Dispose(disposing);
    }

    /// <summary>The value of a series of <paramref name="name"/> labelled <c>node_type</c> = <paramref name="nodeType"/>, 0 when absent.</summary>
    private static double Series(string metrics, string name, string nodeType)
    {
        var match = Regex.Match(metrics, $@"^{name}\{{[^}}]*node_type=""{nodeType}""[^}}]*\}} (\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
