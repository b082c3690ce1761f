namespace AkkaMedia.LoadTest;

/// <summary>What both processes spent over one measured window.</summary>
/// <param name="WallSeconds">Length of the window.</param>
/// <param name="ClientCpuPercent">Driver CPU, in % of one core (200 = both cores of this machine).</param>
/// <param name="ExecutorCpuPercent">Executor CPU (read through <c>Process.GetProcessById</c>; all executors added up), in % of one core.</param>
/// <param name="ExecutorCpuPercents">Each executor's CPU, in % of one core, in the order they were started.</param>
/// <param name="ClientAllocatedBytes">Bytes the driver allocated.</param>
/// <param name="ExecutorAllocatedBytes">Bytes the executor allocated.</param>
/// <param name="ClientCollections">Driver garbage collections as <c>gen0/gen1/gen2</c>.</param>
/// <param name="ExecutorCollections">Executor garbage collections as <c>gen0/gen1/gen2</c>.</param>
/// <param name="ClientContextSwitches">Context switches of the driver's threads.</param>
/// <param name="ExecutorContextSwitches">Context switches of the executor's threads.</param>
/// <param name="ClientJitMs">Milliseconds the driver spent compiling code in the window (should be near 0 once warm).</param>
/// <param name="ExecutorJitMs">Milliseconds the executor spent compiling code in the window.</param>
/// <param name="ClientGcPauseMs">Milliseconds the driver was paused by garbage collections in the window.</param>
/// <param name="ExecutorGcPauseMs">Milliseconds the executor was paused by garbage collections in the window.</param>
/// <param name="TcpSegments">TCP segments sent by the machine (both directions of the loopback link, plus any other traffic).</param>
/// <param name="CpuSeconds">Processor time of the driver and the executors together, seconds, unrounded.</param>
internal sealed record ResourceUse(
    double WallSeconds,
    double ClientCpuPercent,
    double ExecutorCpuPercent,
    IReadOnlyList<double> ExecutorCpuPercents,
    long ClientAllocatedBytes,
    long ExecutorAllocatedBytes,
    string ClientCollections,
    string ExecutorCollections,
    long ClientContextSwitches,
    long ExecutorContextSwitches,
    double ClientJitMs,
    double ExecutorJitMs,
    double ClientGcPauseMs,
    double ExecutorGcPauseMs,
    long TcpSegments,
    double CpuSeconds)
{
    /// <summary>Compilation and collection pauses in the window.</summary>
    public RuntimeCost Runtime => new(ClientJitMs, ExecutorJitMs, ClientGcPauseMs, ExecutorGcPauseMs);

    /// <summary>Microseconds of processor time (driver and executors) per round trip, for <paramref name="frames"/> round trips.</summary>
    public double CpuMicrosecondsPer(long frames) => frames <= 0 ? 0 : Math.Round(CpuSeconds * 1e6 / frames, 1);

    /// <summary>The per-frame view of this window for <paramref name="frames"/> round trips.</summary>
    public PerFrame Per(long frames)
    {
        var n = Math.Max(1, frames);
        return new PerFrame(
            ClientAllocatedBytes / n,
            ExecutorAllocatedBytes / n,
            Math.Round((double)ClientContextSwitches / n, 2),
            Math.Round((double)ExecutorContextSwitches / n, 2),
            Math.Round((double)TcpSegments / n, 3));
    }
}
