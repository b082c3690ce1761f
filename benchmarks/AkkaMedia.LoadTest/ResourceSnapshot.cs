using System.Diagnostics;

namespace AkkaMedia.LoadTest;

/// <summary>Cumulative resource use of the driver and the executor at one instant.</summary>
internal sealed record ResourceSnapshot(long Timestamp, ProcessStats Client, ProcessStats Executor, TimeSpan ExecutorCpu, long TcpSegments)
{
    public static async Task<ResourceSnapshot> TakeAsync(ExecutorChild executor)
    {
        var segments = LinuxCounters.TcpSegmentsSent();
        var timestamp = Stopwatch.GetTimestamp();
        var client = ProcessStats.OfThisProcess();
        var executorCpu = executor.ProcessorTime();
        var executorStats = await executor.GetStatsAsync();
        return new ResourceSnapshot(timestamp, client, executorStats, executorCpu, segments);
    }

    /// <summary>What was spent between <paramref name="start"/> and this snapshot.</summary>
    public ResourceUse Since(ResourceSnapshot start)
    {
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp);
        return new ResourceUse(
            Math.Round(wall.TotalSeconds, 3),
            Percent(Client.Cpu - start.Client.Cpu, wall),
            Percent(ExecutorCpu - start.ExecutorCpu, wall),
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
            TcpSegments - start.TcpSegments);
    }

    private static double Percent(TimeSpan cpu, TimeSpan wall) => wall <= TimeSpan.Zero ? 0 : Math.Round(100 * cpu / wall, 1);

    private static double Milliseconds(TimeSpan time) => Math.Round(time.TotalMilliseconds, 1);

    private static string Collections(ProcessStats from, ProcessStats to) => $"{to.Gen0 - from.Gen0}/{to.Gen1 - from.Gen1}/{to.Gen2 - from.Gen2}";
}
