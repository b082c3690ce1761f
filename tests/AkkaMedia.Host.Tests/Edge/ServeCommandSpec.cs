using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// <c>akkamedia serve</c> as a user runs it: the READY line with the URL, sessions whose remote stages run on an executor,
/// a clean stop on the stop signal, and every mistake in the file or the arguments named with the right exit code.
/// </summary>
[Collection(EdgeServers.Name)]
public sealed class ServeCommandSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ServeExecutor>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ServeExecutor _executor;
    private readonly string _folder = Directory.CreateTempSubdirectory("serve-spec-").FullName;

    public ServeCommandSpec(ServeExecutor executor) => _executor = executor;

    [Fact]
    public async Task Serve_must_print_READY_with_the_url_run_each_connection_through_the_remote_stage_and_stop_cleanly_on_the_signal()
    {
        await using var serve = await ServeRun.StartAsync(_executor.Address);
        Assert.Contains("PassThrough (remote)", serve.ReadyLine, StringComparison.Ordinal);

        // Two sessions at once, each with its own remote session, each getting back exactly its own audio.
        var uri = serve.WebSocketUri("/media");
        var (first, _) = await EdgeClient.StartAsync(uri, 48000);
        var (second, _) = await EdgeClient.StartAsync(uri, 48000);
        await using (first)
        await using (second)
        {
            var a = TestPcm.Tone(48000, 1, 960 * 25, 0, 440);
            var b = TestPcm.Tone(48000, 1, 960 * 25, 0, 1000);
            await first.SendBinaryAsync(a);
            await second.SendBinaryAsync(b);
            await first.SendTextAsync("""{"type":"stop"}""");
            await second.SendTextAsync("""{"type":"stop"}""");
            var (firstBack, firstClose) = await first.ReceiveUntilCloseAsync();
            var (secondBack, secondClose) = await second.ReceiveUntilCloseAsync();

            Assert.Equal(a, firstBack.Where(m => m.Type == WebSocketMessageType.Binary).SelectMany(m => m.Bytes));
            Assert.Equal(b, secondBack.Where(m => m.Type == WebSocketMessageType.Binary).SelectMany(m => m.Bytes));
            Assert.Equal(WebSocketCloseStatus.NormalClosure, firstClose.Status);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, secondClose.Status);
        }

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(serve.Url + "/healthz"))).StatusCode);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), Timeout, TimeSpan.FromMilliseconds(100));

        var exitCode = await serve.StopAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}: {serve.Stderr}");
        Assert.Contains("serve: stopping", serve.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_must_refuse_a_pipeline_that_does_not_start_and_end_at_the_connection()
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("serve", Path.Combine(TestRepository.Root, "hocon", "pipelines", "echo.conf"));

        Assert.Equal(2, exitCode);
        Assert.Contains("source { type = websocket } and sink { type = websocket }", stderr, StringComparison.Ordinal);
        Assert.Contains("it has source 'wav-file' and sink 'wav-file'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_must_refuse_a_websocket_pipeline_and_point_to_serve()
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", Path.Combine(TestRepository.Root, "hocon", "pipelines", "live-echo.conf"));

        Assert.Equal(2, exitCode);
        Assert.Contains("serve it with akkamedia serve", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_must_ask_for_seeds_when_a_stage_is_remote()
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("serve", Path.Combine(TestRepository.Root, "hocon", "pipelines", "live-echo.conf"));

        Assert.Equal(2, exitCode);
        Assert.Contains("give --seeds", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sample-rate = 7", "pipeline.source.sample-rate must be between 8000 and 192000 Hz; it is 7.")]
    [InlineData("channels = 0", "pipeline.source.channels must be between 1 and 8; it is 0.")]
    [InlineData("path = \"x.wav\"", "unknown key 'path' in 'pipeline.source'")]
    public async Task Serve_must_name_a_bad_source_setting(string setting, string expected)
    {
        var file = Path.Combine(_folder, "bad.conf");
        await File.WriteAllTextAsync(file, $$"""
            pipeline {
              source { type = websocket, {{setting}} }
              stages = [ { type = Gain, gain = 0.5 } ]
              sink { type = websocket }
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("serve", file);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-sessions", "0", "--max-sessions must be a positive number of sessions.")]
    [InlineData("--http-port", "70000", "--http-port must be between 0 and 65535")]
    public async Task Serve_must_refuse_bad_flags_with_exit_code_2(string flag, string value, string expected)
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("serve", Path.Combine(TestRepository.Root, "hocon", "pipelines", "live-loopback.conf"), flag, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_must_exit_1_naming_the_port_when_it_is_taken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var file = Path.Combine(_folder, "local.conf");
        await File.WriteAllTextAsync(file, """
            pipeline {
              source { type = websocket }
              stages = [ { type = Gain, gain = 0.5 } ]
              sink { type = websocket }
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("serve", file, "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, exitCode);
        Assert.Contains($"127.0.0.1:{port}", stderr, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_folder, recursive: true);
        }

        base.Dispose(disposing);
    }
}
