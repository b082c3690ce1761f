using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Executor;
using AkkaMedia.Host.Commands;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Host.Http;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Tests.Operations;

/// <summary>
/// The HTTP endpoints of a node, in this process: <c>/healthz</c>, <c>/readyz</c> through join and drain, <c>/metrics</c>
/// with the instruments of AkkaMedia meters under prometheus-net's names, and the node command's flags and errors.
/// </summary>
public sealed partial class HttpEndpointsSpec : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ActorSystem _node = null!;
    private HttpServer _server = null!;

    public async Task InitializeAsync()
    {
        var options = new ClusterNodeOptions("127.0.0.1", 0, [], ["executor"], null) { HttpPort = 0 };
        _node = ClusterNode.Start(options.ToConfig("executor.conf"));
        MediaExecutor.Start(_node, BuiltInNodes.CreateRegistry());
        _server = await HttpServer.StartAsync(_node, HttpSettings.Create(_node.Settings.Config));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _node.Terminate().WaitAsync(Timeout);
        _http.Dispose();
    }

    [Fact]
    public async Task Healthz_must_answer_200_ok_while_the_actor_system_runs()
    {
        var (status, body) = await GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.Trim());
    }

    [Fact]
    public async Task Readyz_must_be_503_before_the_node_joins_200_once_it_is_up_and_503_again_when_its_executor_drains()
    {
        var (before, beforeBody) = await GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before);
        Assert.StartsWith("not ready: not a member of the cluster yet", beforeBody);
        Assert.Single(beforeBody.Trim().Split('\n'));

        Akka.Cluster.Cluster.Get(_node).Join(Akka.Cluster.Cluster.Get(_node).SelfAddress);
        await ClusterNode.WaitUpAsync(_node, Timeout, "itself", CancellationToken.None);

        // The member-up callback can run before Cluster.State (which /readyz reads) shows this node Up: poll until it does.
        var (up, upBody) = await GetAsync("/readyz");
        using (var patience = new CancellationTokenSource(Timeout))
        {
            while (up != HttpStatusCode.OK && !patience.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                (up, upBody) = await GetAsync("/readyz");
            }
        }

        Assert.True(up == HttpStatusCode.OK, upBody);
        Assert.StartsWith("ready: an Up member of the cluster, accepting sessions (0/", upBody);

        var executor = await _node.ActorSelection($"/user/{ExecutorActor.Name}").ResolveOne(Timeout);
        var drained = await executor.Ask<ExecutorActor.Drained>(new ExecutorActor.Drain(TimeSpan.FromSeconds(1)), Timeout);
        var (draining, drainingBody) = await GetAsync("/readyz");

        Assert.Equal(new ExecutorActor.Drained(0, 0), drained);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, draining);
        Assert.StartsWith("not ready: draining", drainingBody);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/healthz")).Status);
    }

    [Fact]
    public async Task Metrics_must_export_instruments_of_AkkaMedia_meters_under_meter_and_instrument_name_in_snake_case_and_no_others()
    {
        using var meter = new Meter("AkkaMedia.Tests.Http");
        using var other = new Meter("Elsewhere.Tests.Http");
        var count = meter.CreateCounter<long>("frames.count", description: "Frames counted by the spec.");
        var level = meter.CreateHistogram<double>("frame-level", unit: "s", description: "Levels seen by the spec.");
        other.CreateCounter<long>("frames.count").Add(1);
        count.Add(3);
        count.Add(4);
        level.Record(0.5);

        var (status, body) = await GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(Regex.IsMatch(body, @"^akkamedia_tests_http_frames_count 7$", RegexOptions.Multiline), body);
        Assert.Contains("# TYPE akkamedia_tests_http_frames_count gauge", body);
        Assert.Contains("# HELP akkamedia_tests_http_frames_count Frames counted by the spec. (Counter`1)", body);
        Assert.Contains("# TYPE akkamedia_tests_http_frame_level histogram", body);
        Assert.Contains("# HELP akkamedia_tests_http_frame_level (s) Levels seen by the spec. (Histogram`1)", body);
        Assert.Matches(new Regex(@"^akkamedia_tests_http_frame_level_count 1$", RegexOptions.Multiline), body);
        Assert.Matches(new Regex(@"^akkamedia_tests_http_frame_level_sum 0\.5$", RegexOptions.Multiline), body);
        Assert.DoesNotContain("elsewhere", body);
        Assert.Contains("process_cpu_seconds_total", body);
    }

    [Fact]
    public async Task Node_must_print_its_HTTP_url_after_READY_and_stop_the_server_when_it_stops()
    {
        var stdout = new ObservedWriter();
        var stderr = new ObservedWriter();
        using var stop = new CancellationTokenSource();

        var running = NodeCommand.RunAsync(new ClusterNodeOptions("127.0.0.1", 0, [], ["executor"], null) { AdminPort = 0, HttpPort = 0 }, stdout, stderr, stop.Token);
        var text = await stdout.WaitForAsync("\nHTTP ", Timeout);
        var url = Regex.Match(text, @"^HTTP (http://127\.0\.0\.1:\d+)\r?$", RegexOptions.Multiline);
        Assert.True(url.Success, text + stderr);
        Assert.True(text.IndexOf("READY ", StringComparison.Ordinal) < text.IndexOf("\nHTTP ", StringComparison.Ordinal), text);
        var (ready, _) = await GetAsync(url.Groups[1].Value + "/readyz", absolute: true);
        stop.Cancel();
        var exitCode = await running.WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal(0, exitCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync(url.Groups[1].Value + "/healthz"));
    }

    [Fact]
    public async Task Node_must_exit_1_with_one_line_naming_the_address_when_the_asked_http_port_is_in_use()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--admin-port", "0", "--http-port", port);

        Assert.Equal(1, exitCode);

        // One line for the operator; log events of the stop that follows (a coordinated-shutdown phase slow on a busy
        // machine warns) are not part of the message.
        Assert.Single(stderr.Trim().Split('\n'), line => !LogEvent().IsMatch(line));
        Assert.Contains($"HTTP server cannot listen on 127.0.0.1:{port}", stderr);
        Assert.Contains("--http-port", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("--http-port", "70000")]
    [InlineData("--http-port", "-1")]
    [InlineData("--drain-timeout", "-5")]
    public async Task Node_must_exit_2_for_a_bad_http_port_or_drain_timeout(params string[] args)
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync(["node", "--port", "0", .. args]);

        Assert.Equal(2, exitCode);
        Assert.Contains(args[0], stderr);
    }

    [Fact]
    public async Task Demo_must_serve_the_endpoints_on_its_executor_node_and_print_the_url()
    {
        var output = Path.Combine(Path.GetTempPath(), $"akkamedia-demo-{Guid.NewGuid():N}.wav");
        try
        {
            var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("demo", "--duration", "1", "--output", output, "--admin-port", "0", "--http-port", "0");

            Assert.True(exitCode == 0, stdout + stderr);
            Assert.Matches(new Regex(@"^HTTP http://127\.0\.0\.1:\d+\r?$", RegexOptions.Multiline), stdout);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Node_and_demo_must_describe_the_http_and_drain_options_in_help()
    {
        var (_, node, _) = await HostInvocation.InvokeAsync("node", "--help");
        var (_, demo, _) = await HostInvocation.InvokeAsync("demo", "--help");

        foreach (var option in new[] { "--http-port", "--http-hostname", "--drain-timeout" })
        {
            Assert.Contains(option, node);
        }

        Assert.Contains("--http-port", demo);
        Assert.Contains("--http-hostname", demo);
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, bool absolute = false)
    {
        using var response = await _http.GetAsync(absolute ? path : _server.Url + path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A line of the host's text log: a UTC timestamp and a three-letter level.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (VRB|DBG|INF|WRN|ERR|FTL) ")]
    private static partial Regex LogEvent();
}
