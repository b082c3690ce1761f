using System.Diagnostics;

namespace AkkaMedia.LoadTest;

/// <summary>Cumulative resource use of the driver and the executors (added up when there are several) at one instant.</summary>
/// <param name="Timestamp">When, Stopwatch ticks.</param>
/// <param name="Client">The driver's figures.</param>
/// <param name="Executor">The executors' figures as they report them, added up.</param>
/// <param name="ExecutorCpus">Each executor's processor time read by the operating system.</param>
/// <param name="TcpSegments">TCP segments the machine sent so far.</param>
internal sealed record ResourceSnapshot(long Timestamp, ProcessStats Client, ProcessStats Executor, IReadOnlyList<TimeSpan> ExecutorCpus, long TcpSegments)
{
    public static Task<ResourceSnapshot> TakeAsync(ExecutorChild executor) => TakeAsync([executor]);

    public static async Task<ResourceSnapshot> TakeAsync(IReadOnlyList<ExecutorChild> executors)
    {
        var segments = LinuxCounters.TcpSegmentsSent();
        var timestamp = Stopwatch.GetTimestamp();
        var client = ProcessStats.OfThisProcess();
        TimeSpan[] executorCpus = [.. executors.Select(static e => e.ProcessorTime())];
        var stats = await Task.WhenAll(executors.Select(static e => e.GetStatsAsync()));
        return new ResourceSnapshot(timestamp, client, stats.Aggregate(static (a, b) => a.Plus(b)), executorCpus, segments);
    }

    /// <summary>What was spent between <paramref name="start"/> and this snapshot.</summary>
    public ResourceUse Since(ResourceSnapshot start)
    {
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp);
        return new ResourceUse(
            Math.Round(wall.TotalSeconds, 3),
            Percent(Client.Cpu - start.Client.Cpu, wall),
            Percent(ExecutorCpu - start.ExecutorCpu, wall),
            [.. ExecutorCpus.Zip(start.ExecutorCpus, (to, from) => Percent(to - from, wall))],
            Client.AllocatedBytes - start.Client.AllocatedBytes,
            Executor.AllocatedBytes - start.Executor.AllocatedBytes,
            Collections(start.Client, Client),
            Collections(start.Executor, Executor),
            Client.ContextSwitches - start.Client.ContextSwitches,
            Executor.ContextSwitches - start.Executor.ContextSwitches,
            Milliseconds(Client.Jit - start.Client.Jit),
            Milliseconds(Executor.Jit - start.Executor.Jit),
            Milliseconds(Client.GcPause - start.Client.GcPause),
            Milliseconds(Executor.GcPause - start.Executor.GcPause),
            TcpSegments - start.TcpSegments,
            (Client.Cpu - start.Client.Cpu + (ExecutorCpu - start.ExecutorCpu)).TotalSeconds);
    }

    /// <summary>All executors' processor time together.</summary>
    private TimeSpan ExecutorCpu => ExecutorCpus.Aggregate(TimeSpan.Zero, static (sum, cpu) => sum + cpu);

    private static double Percent(TimeSpan cpu, TimeSpan wall) => wall <= TimeSpan.Zero ? 0 : Math.Round(100 * cpu / wall, 1);

    private static double Milliseconds(TimeSpan time) => Math.Round(time.TotalMilliseconds, 1);

    private static string Collections(ProcessStats from, ProcessStats to) => $"{to.Gen0 - from.Gen0}/{to.Gen1 - from.Gen1}/{to.Gen2 - from.Gen2}";
}
