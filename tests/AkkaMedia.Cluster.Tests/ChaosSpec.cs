using System.Text.Json;

namespace AkkaMedia.Cluster.Tests;

/// <summary>
/// The load test's chaos scenario, small enough for CI: three executor processes, streams of the three kinds (stateless
/// and stateful with failover, and without) and durable counters called beside them, an executor killed with SIGKILL and replaced every 8 s. The full run and
/// its figures are in docs/benchmarks.md.
/// </summary>
public sealed class ChaosSpec
{
    private static readonly string LoadTestDll = Path.Combine(
        TestPaths.RepositoryRoot, "benchmarks", "AkkaMedia.LoadTest", "bin", TestPaths.Configuration, "net10.0", "AkkaMedia.LoadTest.dll");

    [Fact]
    public async Task Streams_with_failover_and_durable_objects_must_lose_nothing_and_streams_without_must_fail_within_a_second_of_their_executors_kill()
    {
        Assert.True(File.Exists(LoadTestDll), $"The load test is not built at {LoadTestDll} (dotnet build AkkaMedia.sln builds it).");
        var (exitCode, line, transcript) = await RunChaosAsync();
        if (exitCode != 0 && IsClusterFormation(line))
        {
            // Executor processes that could not form or rejoin their cluster on the loaded 2 cores (a member's start-up
            // pause read as unreachable) say nothing about failover, which is what this spec is about: one more run.
            // Anything else, a lost frame or call above all, fails at once.
            (exitCode, line, transcript) = await RunChaosAsync();
        }

        using var result = JsonDocument.Parse(line);
        var root = result.RootElement;
        Assert.True(exitCode == 0, $"exit code {exitCode}: {line}{Environment.NewLine}{LastLines(transcript, 60)}");
        Assert.True(root.GetProperty("kills").GetInt32() >= 2, line);
        Assert.True(root.GetProperty("framesChecked").GetInt64() > 18 * 20 * 50, line);
        Assert.Equal(0, root.GetProperty("framesLost").GetInt64());
        Assert.Equal(0, root.GetProperty("streamsFailedWithFailover").GetInt32());
        Assert.True(root.GetProperty("streamsFailedWithout").GetInt32() > 0, $"no stream without failover was on a killed executor: {line}");
        Assert.True(root.GetProperty("resumes").GetInt32() > 0, line);
        Assert.Equal(0, root.GetProperty("leakedSessions").GetInt32());
        // The objects kept answering through the kills: at least 10 calls each on average of the ~50 each would make
        // in 26 s unhindered (one per 500 ms; a loaded machine and each failover's pause take the rest).
        Assert.True(root.GetProperty("callsAcknowledged").GetInt64() >= 6 * 10, line);
        Assert.Equal(0, root.GetProperty("callsWrong").GetInt64());
        Assert.Equal(0, root.GetProperty("callsFailed").GetInt64());
    }

    private static async Task<(int ExitCode, string Line, string Transcript)> RunChaosAsync()
    {
        await using var run = HostProcess.StartCommand("dotnet", [LoadTestDll, "chaos", "--streams", "18", "--objects", "6", "--seconds", "26", "--kill-every", "8"]);
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(4));
        var line = await run.WaitForLineAsync(l => l.StartsWith("{\"scenario\":\"chaos\"", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the chaos result line");
        return (exitCode, line, run.Transcript);
    }

    /// <summary>Whether the run ended because an executor process never joined its cluster, before or after a kill.</summary>
    private static bool IsClusterFormation(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.TryGetProperty("error", out var error) &&
            error.GetString() is { } text &&
            (text.Contains("exited with code 1 before it was ready", StringComparison.Ordinal) || text.Contains("was not ready within", StringComparison.Ordinal));
    }

    private static string LastLines(string text, int count) =>
        string.Join(Environment.NewLine, text.Split(Environment.NewLine).TakeLast(count));
}
