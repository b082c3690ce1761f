using System.Text.Json;

namespace AkkaMedia.Cluster.Tests;

/// <summary>
/// The load test's soak scenario, one minute long for CI: 50 paced streams through one executor process, 5 of them
/// replaced by new ones at the half minute, and a remote object (shipped user code) deployed, called and disposed every
/// 500 ms beside them. Memory growth and p99 stability need a long run: the 30-minute run and its figures are in
/// docs/benchmarks.md.
/// </summary>
public sealed class SoakSpec
{
    private static readonly string LoadTestDll = Path.Combine(
        TestPaths.RepositoryRoot, "benchmarks", "AkkaMedia.LoadTest", "bin", TestPaths.Configuration, "net10.0", "AkkaMedia.LoadTest.dll");

    [Fact]
    public async Task A_minute_of_streams_replaced_and_objects_deployed_and_disposed_must_lose_no_frame_and_leak_no_session_and_no_load_context()
    {
        Assert.True(File.Exists(LoadTestDll), $"The load test is not built at {LoadTestDll} (dotnet build AkkaMedia.sln builds it).");
        await using var run = HostProcess.StartCommand("dotnet", [LoadTestDll, "soak", "--minutes", "1", "--streams", "50"]);

        var exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(3));

        var minuteLine = await run.WaitForLineAsync(l => l.StartsWith("{\"scenario\":\"soak-minute\"", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the soak's line of minute 1");
        var line = await run.WaitForLineAsync(l => l.StartsWith("{\"scenario\":\"soak\"", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the soak result line");
        var context = $"exit code {exitCode}: {line}{Environment.NewLine}{LastLines(run.Transcript, 60)}";
        using var minuteDocument = JsonDocument.Parse(minuteLine);
        var minute = minuteDocument.RootElement;
        Assert.Equal(1, minute.GetProperty("minute").GetInt32());
        Assert.Equal(50, minute.GetProperty("streams").GetInt32());
        Assert.Equal(5, minute.GetProperty("streamsReplaced").GetInt32());
        Assert.True(minute.GetProperty("p99Ms").GetDouble() > 0, minuteLine);
        Assert.True(minute.GetProperty("executorRssMb").GetDouble() > 0 && minute.GetProperty("executorHeapMb").GetDouble() > 0, minuteLine);
        Assert.True(minute.GetProperty("clientRssMb").GetDouble() > 0 && minute.GetProperty("clientHeapMb").GetDouble() > 0, minuteLine);
        Assert.Equal(0, minute.GetProperty("leakedSessions").GetInt32());
        Assert.Equal(0, minute.GetProperty("leakedLoadContexts").GetInt32());

        using var result = JsonDocument.Parse(line);
        var root = result.RootElement;
        Assert.False(root.TryGetProperty("error", out var error), $"the run stopped: {error}; {context}");
        Assert.Equal(1, root.GetProperty("minutes").GetInt32());
        Assert.Equal(55, root.GetProperty("streamsOpened").GetInt32());
        Assert.True(root.GetProperty("framesSent").GetInt64() > 50 * 50 * 30, context);
        Assert.Equal(0, root.GetProperty("framesLost").GetInt64());
        Assert.Equal(0, root.GetProperty("framesDisordered").GetInt64());
        Assert.Equal(0, root.GetProperty("streamsFailed").GetInt32());
        Assert.True(root.GetProperty("cycles").GetInt32() >= 20, $"the remote object loop hardly ran: {context}");
        Assert.Equal(0, root.GetProperty("cyclesFailed").GetInt32());
        Assert.Equal(0, root.GetProperty("leakedSessions").GetInt32());
        Assert.Equal(0, root.GetProperty("leakedLoadContexts").GetInt32());
    }

    private static string LastLines(string text, int count) =>
        string.Join(Environment.NewLine, text.Split(Environment.NewLine).TakeLast(count));
}
