using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// <c>akkamedia serve hocon/pipelines/live-echo.conf</c> as deployed: real <c>serve</c> and executor <c>node</c> processes on
/// loopback and a WebSocket client speaking <c>/media</c> (docs/edge-protocol.md). A session's audio goes through the
/// remote Echo and back; an executor killed under a session, a stop signal to serve and a client that vanishes each end
/// the session as the protocol says and leave no session running on the executor.
/// </summary>
public sealed class ServeProcessSpec(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>How long an effect may take to show on a busy machine.</summary>
    private static readonly TimeSpan Patience = LiveClient.Patience;

    /// <summary>
    /// The server's idle timeout (akka-media.edge.idle-timeout): a failure must reach the client well within it, or the
    /// client could not tell a dead executor from its own silence.
    /// </summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Packets a client sends ahead of what came back, like a real-time client (the server keeps at most 1 s of outgoing
    /// audio for a client that does not read, so a client far ahead would lose the oldest).
    /// </summary>
    private const int MaxAhead = 25;

    /// <summary>The tone's level, full scale.</summary>
    private const double Amplitude = 0.5;

    private readonly HttpClient _http = new() { Timeout = Patience };
    private readonly List<HostProcess> _processes = [];

    [Fact]
    public async Task A_tone_burst_must_come_back_at_the_gain_with_its_echo_250_ms_later_and_be_counted_by_serve_and_the_executor()
    {
        await using var executor = await StartExecutorAsync();
        await using var serve = await StartServeAsync(executor.Address);
        await using var client = await LiveClient.StartAsync(serve.Url);

        // 600 ms: a 100 ms burst of 440 Hz, then silence; the Echo frames come back one for one.
        const int Packets = 30;
        await client.StreamAsync(i => i < 5 ? LiveClient.TonePacket(i, Amplitude) : new short[LiveClient.PacketFrames], MaxAhead, Packets);
        await client.WaitUntilAsync(() => client.PacketsReceived >= Packets, Patience, $"{Packets} packets back");

        // While it runs, the executor shows the session's Echo.
        var during = await executor.MetricsAsync(_http);
        Assert.True(
            during.Value("akkamedia_executor_sessions_active", "node_type=Echo") == 1,
            $"the executor does not show one Echo session:{Environment.NewLine}{during.Lines("akkamedia_executor_sessions")}");

        await client.SendTextAsync("""{"type":"stop"}""");
        await client.WaitForCloseAsync(Patience);

        Assert.True(client.CloseStatus == WebSocketCloseStatus.NormalClosure, client.Summary);
        var stopped = client.Events[^1];
        Assert.True(LiveClient.TypeOf(stopped) == "stopped", client.Summary);
        Assert.Equal(client.PacketsSent, stopped.GetProperty("framesIn").GetInt64());
        Assert.Equal(client.PacketsReceived, stopped.GetProperty("framesOut").GetInt64());
        Assert.DoesNotContain(client.Events, e => LiveClient.TypeOf(e) is "dropped" or "error");

        // The burst at 0.8 × its level from the first sample, nothing until its echo at 0.8 × 0.5 exactly 250 ms later,
        // then nothing (whole windows of 44 cycles of 440 Hz, so the RMS of a sine is its amplitude / √2).
        var audio = client.Samples;
        var tone = Amplitude / Math.Sqrt(2);
        AssertLevel(0.8 * tone, audio, 0, 100, "the burst");
        AssertSilent(audio, 100, 250, "between the burst and its echo");
        AssertLevel(0.4 * tone, audio, 250, 350, "the echo");
        AssertSilent(audio, 350, 600, "after the echo");

        // serve counted the session and exactly the packets the client counted.
        var edge = await PrometheusText.ScrapeAsync(_http, serve.Url);
        var edgeLines = edge.Lines("akkamedia_edge_");
        Assert.True(edge.Value("akkamedia_edge_sessions_started", "protocol=media") >= 1, edgeLines);
        Assert.True(edge.Value("akkamedia_edge_frames_received", "protocol=media") == client.PacketsSent, $"{client.PacketsSent} sent:{Environment.NewLine}{edgeLines}");
        Assert.True(edge.Value("akkamedia_edge_frames_sent", "protocol=media") == client.PacketsReceived, $"{client.PacketsReceived} received:{Environment.NewLine}{edgeLines}");

        // The executor ran one Echo session over every frame, and released it.
        await Eventually.AssertAsync(
            async () =>
            {
                var after = await executor.MetricsAsync(_http);
                var lines = after.Lines("akkamedia_executor_");
                Assert.True(after.Value("akkamedia_executor_sessions_active") == 0, lines);
                Assert.True(after.Value("akkamedia_executor_sessions_started", "node_type=Echo") == 1, lines);
                Assert.True(after.Value("akkamedia_executor_frames_received", "node_type=Echo") == client.PacketsSent, $"{client.PacketsSent} sent:{Environment.NewLine}{lines}");
            },
            Patience);
    }

    [Fact]
    public async Task A_session_must_fail_with_1011_naming_the_executor_killed_under_it_and_the_next_session_must_run_on_the_survivor()
    {
        await using var first = await StartExecutorAsync();
        await using var second = await StartExecutorAsync(first.Address);
        await using var serve = await StartServeAsync(first.Address);
        await using var client = await LiveClient.StartAsync(serve.Url);
        var streaming = client.StreamAsync(i => LiveClient.TonePacket(i, Amplitude), MaxAhead);
        await client.WaitUntilAsync(() => client.PacketsReceived >= MaxAhead, Patience, $"{MaxAhead} packets back");

        var sessions = new[] { await first.ActiveSessionsAsync(_http), await second.ActiveSessionsAsync(_http) };
        Assert.True(sessions.Order().SequenceEqual([0.0, 1.0]), $"one executor must run the session: sessions [{string.Join(", ", sessions)}]");
        var (victim, survivor) = sessions[0] == 1 ? (first, second) : (second, first);
        var clock = Stopwatch.StartNew();
        victim.Node.Kill();

        await client.WaitForCloseAsync(Patience);
        var elapsed = clock.Elapsed;
        await streaming;
        Assert.True(client.CloseStatus == WebSocketCloseStatus.InternalServerError, client.Summary);
        var error = client.Events.LastOrDefault(e => LiveClient.TypeOf(e) == "error");
        Assert.True(error.ValueKind != System.Text.Json.JsonValueKind.Undefined, client.Summary);
        var message = error.GetProperty("message").GetString() ?? string.Empty;
        Assert.True(message.Contains(victim.Address, StringComparison.Ordinal), $"the error does not name {victim.Address}: {message}");
        Assert.True(message.Contains("'Echo'", StringComparison.Ordinal), $"the error does not name the remote stage 'Echo': {message}");
        Assert.True(elapsed < IdleTimeout / 2, $"the failure took {elapsed.TotalSeconds:0.0} s to reach the client (idle timeout {IdleTimeout.TotalSeconds:0} s)");

        // serve stays up, and the next session runs on the survivor.
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(serve.Url, "/healthz"))).StatusCode);
        await using var next = await LiveClient.StartAsync(serve.Url);
        await next.StreamAsync(i => LiveClient.TonePacket(i, Amplitude), MaxAhead, MaxAhead);
        await next.WaitUntilAsync(() => next.PacketsReceived >= MaxAhead, Patience, $"{MaxAhead} packets back from the survivor");
        Assert.Equal(1, await survivor.ActiveSessionsAsync(_http));
        await next.SendTextAsync("""{"type":"stop"}""");
        await next.WaitForCloseAsync(Patience);
        Assert.True(next.CloseStatus == WebSocketCloseStatus.NormalClosure, next.Summary);
        await Eventually.AssertAsync(async () => Assert.Equal(0, await survivor.ActiveSessionsAsync(_http)), Patience);
    }

    [Fact]
    public async Task A_stop_signal_to_serve_must_close_the_session_with_1001_exit_0_and_end_the_remote_session()
    {
        await using var executor = await StartExecutorAsync();
        await using var serve = await StartServeAsync(executor.Address);
        await using var client = await LiveClient.StartAsync(serve.Url);
        var streaming = client.StreamAsync(i => LiveClient.TonePacket(i, Amplitude), MaxAhead);
        await client.WaitUntilAsync(() => client.PacketsReceived >= 10, Patience, "10 packets back");
        Assert.Equal(1, await executor.ActiveSessionsAsync(_http));

        serve.Process.Terminate();

        await client.WaitForCloseAsync(Patience);
        await streaming;
        Assert.True(client.CloseStatus == WebSocketCloseStatus.EndpointUnavailable, client.Summary);
        var error = client.Events.LastOrDefault(e => LiveClient.TypeOf(e) == "error");
        Assert.True(
            error.ValueKind != System.Text.Json.JsonValueKind.Undefined && (error.GetProperty("message").GetString() ?? string.Empty).Contains("shutting down", StringComparison.Ordinal),
            client.Summary);
        Assert.Equal(0, await serve.Process.WaitForExitAsync(Patience));
        await serve.Process.WaitForLineAsync(l => l.StartsWith("serve: stopping", StringComparison.Ordinal), Patience, "'serve: stopping'");
        await Eventually.AssertAsync(async () => Assert.Equal(0, await executor.ActiveSessionsAsync(_http)), Patience);
        await AssertReleasedAsync(executor);
    }

    [Fact]
    public async Task A_client_that_vanishes_mid_session_must_end_its_session_and_the_remote_one()
    {
        await using var executor = await StartExecutorAsync();
        await using var serve = await StartServeAsync(executor.Address);
        await using var client = await LiveClient.StartAsync(serve.Url);
        var streaming = client.StreamAsync(i => LiveClient.TonePacket(i, Amplitude), MaxAhead);
        await client.WaitUntilAsync(() => client.PacketsReceived >= 10, Patience, "10 packets back");
        Assert.Equal(1, await executor.ActiveSessionsAsync(_http));

        client.Abort();
        await streaming;

        await Eventually.AssertAsync(async () => Assert.Equal(0, await executor.ActiveSessionsAsync(_http)), Patience);
        await AssertReleasedAsync(executor);
        var edge = await PrometheusText.ScrapeAsync(_http, serve.Url);
        Assert.True(edge.Value("akkamedia_edge_sessions_active") == 0, edge.Lines("akkamedia_edge_sessions"));
        Assert.True(edge.Value("akkamedia_edge_sessions_ended", "protocol=media", "reason=client_gone") == 1, edge.Lines("akkamedia_edge_sessions"));
    }

    [Fact]
    public async Task Serve_must_join_the_cluster_with_the_roles_client_and_edge()
    {
        await using var executor = await StartExecutorAsync();
        await using var serve = await StartServeAsync(executor.Address);
        var admin = await executor.Node.Process.WaitForLineAsync(l => l.StartsWith("ADMIN ", StringComparison.Ordinal), Patience, "ADMIN line");
        var port = admin[(admin.LastIndexOf(':') + 1)..].Trim();

        // The edge role is what an executor's session-opens-per-second-by-role { edge = N } gives its own rate.
        await Eventually.AssertAsync(async () =>
        {
            await using var show = HostProcess.Start(["cmd", "--port", port, "cluster", "show"]);
            Assert.True(await show.WaitForExitAsync(Patience) == 0, show.Transcript);

            // Listed from the moment it joins (Joining, then Up); the member list is read again until it is.
            Assert.Contains("  [client, edge]", show.Transcript, StringComparison.Ordinal);
        }, Patience);
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        // What every process wrote, for the reader of a failure (the processes themselves are killed by their owners).
        foreach (var process in _processes)
        {
            output.WriteLine(process.Transcript);
        }

        _http.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The executor's session ended because serve released it, not because the executor lost its client.</summary>
    private async Task AssertReleasedAsync(MeteredExecutor executor)
    {
        var metrics = await executor.MetricsAsync(_http);
        Assert.True(metrics.Value("akkamedia_executor_errors", "kind=session_lost") == 0, metrics.Lines("akkamedia_executor_errors"));
    }

    private static void AssertLevel(double expected, short[] audio, int fromMs, int toMs, string what)
    {
        var rms = LiveClient.Rms(audio, fromMs, toMs);
        Assert.True(Math.Abs(rms - expected) <= 0.02 * expected, $"{what} ({fromMs}–{toMs} ms) has RMS {rms:0.0000}, not {expected:0.0000}");
    }

    private static void AssertSilent(short[] audio, int fromMs, int toMs, string what)
    {
        var rms = LiveClient.Rms(audio, fromMs, toMs);
        Assert.True(rms < 0.001, $"{what} ({fromMs}–{toMs} ms) has RMS {rms:0.0000}, not silence");
    }

    private async Task<MeteredExecutor> StartExecutorAsync(string? seed = null)
    {
        var executor = await MeteredExecutor.StartAsync(seed);
        _processes.Add(executor.Node.Process);
        return executor;
    }

    private async Task<ServeProcess> StartServeAsync(string seed)
    {
        var serve = await ServeProcess.StartAsync("pipelines/live-echo.conf", seed);
        _processes.Add(serve.Process);
        return serve;
    }
}
