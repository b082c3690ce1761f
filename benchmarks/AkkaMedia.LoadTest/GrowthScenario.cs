using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// How the cost grows with the number of streams: for each executor count E, starts E executor child
/// processes in one cluster (the first is the seed, the others join it; the driver joins as a client),
/// and for each stream count K runs the paced scenario with fresh sessions, placed by the usual
/// placement (least-loaded executor), holding all K streams for the measured window. Prints one JSON
/// line per point, then a Markdown table, and draws the chart when asked. Every child is killed
/// whatever happens.
/// </summary>
internal static class GrowthScenario
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs every point; 0 when none lost a frame or failed (and the chart, if asked for, was written), 1 otherwise.</summary>
    public static async Task<int> RunAsync(LoadTestArguments arguments, TextWriter results)
    {
        var seconds = arguments.Seconds ?? 10;
        var points = new List<GrowthPoint>();
        if (arguments.From is { } from)
        {
            points.AddRange(Read(from));
        }

        foreach (var executorCount in arguments.From is null ? arguments.ExecutorCounts : [])
        {
            await RunExecutorCountAsync(arguments, executorCount, seconds, point =>
            {
                points.Add(point);
                results.WriteLine(JsonSerializer.Serialize(point, LoadTestDriver.Json));
                results.Flush();
            });
        }

        results.Write(MarkdownTable(points));
        results.Flush();
        var succeeded = points.All(static p => p.Succeeded);
        if (arguments.Chart is { } chart)
        {
            try
            {
                GrowthChart.Save(points, chart);
                Console.Error.WriteLine($"growth: chart written to {chart}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or TypeInitializationException or DllNotFoundException)
            {
                Console.Error.WriteLine($"growth: could not write the chart {chart}: {e}");
                succeeded = false;
            }
        }

        return succeeded ? 0 : 1;
    }

    /// <summary>The growth points among the JSON lines of <paramref name="path"/> (other lines are skipped).</summary>
    private static IEnumerable<GrowthPoint> Read(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('{') && JsonSerializer.Deserialize<GrowthPoint>(line, LoadTestDriver.Json) is { Scenario: "growth" } point)
            {
                yield return point with { Succeeded = point.Error is null && point.FramesLost == 0 && point.StreamsFailed == 0 };
            }
        }
    }

    private static async Task RunExecutorCountAsync(LoadTestArguments arguments, int executorCount, int seconds, Action<GrowthPoint> report)
    {
        var children = new List<ExecutorChild>(executorCount);
        var measured = 0;
        try
        {
            Console.Error.WriteLine($"growth: starting {executorCount} executor process(es)...");
            for (var i = 0; i < executorCount; i++)
            {
                children.Add(await ExecutorChild.StartAsync(arguments.Settings, StartTimeout, i == 0 ? null : children[0].Address));
                Console.Error.WriteLine($"growth: executor {children[i].Address} ready (pid {children[i].ProcessId}).");
            }

            var system = MediaActorSystem.Create(LoadTestConfig.SystemName, LoadTestConfig.Client(children[0].Address, arguments.Settings));
            try
            {
                await WaitForExecutorsAsync(system, children);
                foreach (var streams in arguments.StreamCounts)
                {
                    Console.Error.WriteLine($"growth: {executorCount} executor(s), {streams} streams...");
                    var paced = await new PacedScenario(
                        system, children, RemoteTransport.MediaLink, streams, seconds, arguments.Wave, arguments.WarmupSeconds, arguments.PaceResolutionMs, hold: true).RunAsync();
                    report(GrowthPoint.Of(paced));
                    measured++;

                    // The sessions of this point close before the next one opens its own.
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
            finally
            {
                await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"growth: {executorCount} executor(s) failed: {e}");
            foreach (var streams in arguments.StreamCounts.Skip(measured))
            {
                report(GrowthPoint.Failed(executorCount, streams, seconds, $"{e.GetType().Name}: {e.Message}"));
            }
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    /// <summary>Waits until the driver's directory lists every executor child as reachable.</summary>
    /// <exception cref="TimeoutException">Not all of them within <see cref="JoinTimeout"/>.</exception>
    internal static async Task WaitForExecutorsAsync(ActorSystem system, IReadOnlyList<ExecutorChild> children)
    {
        var deadline = DateTime.UtcNow + JoinTimeout;
        var directory = ExecutorDirectory.Get(system);
        while (true)
        {
            var found = await directory.GetExecutorsAsync("executor", JoinTimeout);
            var missing = children.Where(c => !found.Any(e => e.Address == c.Address)).Select(static c => c.Address).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The driver did not see executor(s) {string.Join(", ", missing)} join within {JoinTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static string MarkdownTable(IReadOnlyList<GrowthPoint> points)
    {
        var table = new StringBuilder();
        table.AppendLine();
        table.AppendLine("| executors | streams | frames/s | CPU µs/frame | round trip p50 ms | p99 ms | p99 with ramp ms | open p50 ms | open p99 ms | ramp ms | lost | load |");
        table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in points)
        {
            table.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {p.Executors} | {p.Streams:N0} | {p.FramesPerSecond:N0} | {p.CpuPerFrameUs:0.0} | {p.P50Ms:0.00} | {p.P99Ms:0.00} | {p.P99WithRampMs:0.00} | {p.SessionOpen.P50Ms:0.0} | {p.SessionOpen.P99Ms:0.0} | {p.RampMs:N0} | {p.FramesLost:N0}{(p.Error is null ? string.Empty : " ⚠")} | {p.LoadAverage:0.0} |"));
        }

        return table.ToString();
    }
}
