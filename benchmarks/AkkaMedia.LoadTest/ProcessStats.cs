using System.Diagnostics;
using System.Globalization;

namespace AkkaMedia.LoadTest;

/// <summary>
/// Cumulative resource use of one process at one instant; the difference of two snapshots is what a
/// scenario cost. Travels from the executor to the driver as one text line.
/// </summary>
/// <param name="Cpu">Processor time of all threads since the process started.</param>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap since the process started.</param>
/// <param name="Gen0">Generation 0 collections so far.</param>
/// <param name="Gen1">Generation 1 collections so far.</param>
/// <param name="Gen2">Generation 2 collections so far.</param>
/// <param name="ContextSwitches">Context switches of all its threads so far (Linux; 0 elsewhere).</param>
/// <param name="Jit">Time spent compiling methods so far (tiering up included): a window that still JITs is not warm.</param>
/// <param name="GcPause">Time the runtime was paused for garbage collection so far.</param>
internal sealed record ProcessStats(TimeSpan Cpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, long ContextSwitches, TimeSpan Jit, TimeSpan GcPause)
{
    public const string Prefix = "STATS ";

    /// <summary>The current process, now.</summary>
    public static ProcessStats OfThisProcess()
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessStats(self.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), LinuxCounters.ContextSwitches(),
            System.Runtime.JitInfo.GetCompilationTime(),
            GC.GetTotalPauseDuration());
    }

    /// <summary>The figures of two processes added up (the executors of a run with several).</summary>
    public ProcessStats Plus(ProcessStats other) => new(
        Cpu + other.Cpu,
        AllocatedBytes + other.AllocatedBytes,
        Gen0 + other.Gen0,
        Gen1 + other.Gen1,
        Gen2 + other.Gen2,
        ContextSwitches + other.ContextSwitches,
        Jit + other.Jit,
        GcPause + other.GcPause);

    public static ProcessStats Parse(string line)
    {
        var parts = line[Prefix.Length..].Split(' ');
        return new ProcessStats(
            TimeSpan.FromTicks(long.Parse(parts[0], CultureInfo.InvariantCulture)),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture),
            int.Parse(parts[3], CultureInfo.InvariantCulture),
            int.Parse(parts[4], CultureInfo.InvariantCulture),
            long.Parse(parts[5], CultureInfo.InvariantCulture),
            TimeSpan.FromTicks(long.Parse(parts[6], CultureInfo.InvariantCulture)),
            TimeSpan.FromTicks(long.Parse(parts[7], CultureInfo.InvariantCulture)));
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Cpu.Ticks} {AllocatedBytes} {Gen0} {Gen1} {Gen2} {ContextSwitches} {Jit.Ticks} {GcPause.Ticks}");
}
