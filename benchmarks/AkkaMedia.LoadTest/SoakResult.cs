using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace AkkaMedia.LoadTest;

/// <summary>The soak scenario's outcome: one JSON line after the per-minute lines, then a Markdown table of the minutes.</summary>
/// <param name="Scenario">Always <c>soak</c>.</param>
/// <param name="Minutes">Minutes measured once every stream was running.</param>
/// <param name="Streams">Streams kept open (K), 50 frames a second each.</param>
/// <param name="ReplacedPerMinute">Streams closed and replaced by new ones every minute (10 % of K, at least 1).</param>
/// <param name="RampMs">From the first stream started until all K had a frame back (before minute 1).</param>
/// <param name="BaselineSeconds">When the baseline memory was read: 5 minutes into the run, or 20 % of it when that is earlier.</param>
/// <param name="Baseline">Memory at the baseline.</param>
/// <param name="Final">Memory at the end of the last minute.</param>
/// <param name="GrowthPercent">From <see cref="Baseline"/> to <see cref="Final"/>, % of the baseline, per figure.</param>
/// <param name="MaxGrowthPercent">The largest of <see cref="GrowthPercent"/>'s figures; must be under 10.</param>
/// <param name="P99MinMs">The lowest per-minute round-trip p99.</param>
/// <param name="P99MedianMs">The median per-minute p99.</param>
/// <param name="P99MaxMs">The highest per-minute p99 (the first minute left out when there are several: it runs the warm-up's aftermath).</param>
/// <param name="P99Stable">True when <see cref="P99MaxMs"/> is at most twice <see cref="P99MedianMs"/>, or at most 5 ms above it.</param>
/// <param name="StreamsOpened">Streams opened in all, the replacements included.</param>
/// <param name="FramesSent">Frames sent by all streams.</param>
/// <param name="FramesLost">Frames sent and never back; must be 0.</param>
/// <param name="FramesDisordered">Frames back out of order, twice or never sent; must be 0.</param>
/// <param name="StreamsFailed">Streams that ended with an error; must be 0.</param>
/// <param name="Cycles">Remote object deploy + call + dispose cycles.</param>
/// <param name="CyclesFailed">Cycles that threw or answered a wrong value; must be 0.</param>
/// <param name="LeakedSessions">Sessions the executor still counted once every stream was closed and every object disposed; must be 0 (and 0 in every minute).</param>
/// <param name="LeakedLoadContexts">Session load contexts the executor still held then, after full collections; must be 0 (and 0 in every minute).</param>
/// <param name="MaxLeakedSessionsPerMinute">The most sessions counted as leaked in any minute.</param>
/// <param name="MaxLeakedLoadContextsPerMinute">The most load contexts counted as leaked in any minute.</param>
/// <param name="LoadAverageMin">The lowest 1-minute load average of the machine read at a minute's end.</param>
/// <param name="LoadAverageMax">The highest of the same.</param>
/// <param name="Error">Why the scenario could not run to the end; null when it did.</param>
internal sealed record SoakResult(
    string Scenario,
    int Minutes,
    int Streams,
    int ReplacedPerMinute,
    double RampMs,
    int BaselineSeconds,
    SoakMemory? Baseline,
    SoakMemory? Final,
    SoakMemory? GrowthPercent,
    double MaxGrowthPercent,
    double P99MinMs,
    double P99MedianMs,
    double P99MaxMs,
    bool P99Stable,
    int StreamsOpened,
    long FramesSent,
    long FramesLost,
    long FramesDisordered,
    int StreamsFailed,
    int Cycles,
    int CyclesFailed,
    int LeakedSessions,
    int LeakedLoadContexts,
    int MaxLeakedSessionsPerMinute,
    int MaxLeakedLoadContextsPerMinute,
    double LoadAverageMin,
    double LoadAverageMax,
    string? Error) : IScenarioResult
{
    /// <summary>Growth allowed from the baseline to the end, %.</summary>
    public const double MaxGrowthAllowedPercent = 10;

    /// <summary>The per-minute lines, for the Markdown table and the chart; not part of the JSON line.</summary>
    [JsonIgnore]
    public IReadOnlyList<SoakMinute> PerMinute { get; init; } = [];

    /// <summary>True when the memory stayed flat, nothing was lost, failed or leaked, and the p99 stayed stable.</summary>
    public bool Succeeded =>
        Error is null && Minutes > 0 && Baseline is not null && MaxGrowthPercent < MaxGrowthAllowedPercent && P99Stable && FramesLost == 0 && FramesDisordered == 0 &&
        StreamsFailed == 0 && CyclesFailed == 0 && LeakedSessions == 0 && LeakedLoadContexts == 0 && MaxLeakedSessionsPerMinute == 0 && MaxLeakedLoadContextsPerMinute == 0;

    public string MarkdownTable()
    {
        var table = new StringBuilder();
        table.AppendLine();
        table.AppendLine("| minute | streams | replaced | frames back | p50 ms | p99 ms | max ms | lost | cycles | cycle p99 ms | executor RSS MB | executor heap MB | client RSS MB | client heap MB | sessions | leaked sessions | load contexts | leaked contexts | load |");
        table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in PerMinute)
        {
            table.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {m.Minute} | {m.Streams} | {m.StreamsReplaced} | {m.FramesBack:N0} | {m.P50Ms:0.00} | {m.P99Ms:0.00} | {m.MaxMs:0.0} | {m.FramesLost} | {m.Cycles} | {m.CycleP99Ms:0.0} | {m.ExecutorRssMb:0.0} | {m.ExecutorHeapMb:0.0} | {m.ClientRssMb:0.0} | {m.ClientHeapMb:0.0} | {m.ExecutorSessions} | {m.LeakedSessions} | {m.LoadContexts} | {m.LeakedLoadContexts} | {m.LoadAverage:0.0} |"));
        }

        table.AppendLine();
        table.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Memory growth from {BaselineSeconds} s to the end: executor RSS {GrowthPercent?.ExecutorRssMb:0.0} %, heap {GrowthPercent?.ExecutorHeapMb:0.0} %; client RSS {GrowthPercent?.ClientRssMb:0.0} %, heap {GrowthPercent?.ClientHeapMb:0.0} %. p99 per minute {P99MinMs:0.00}–{P99MaxMs:0.00} ms (median {P99MedianMs:0.00}, stable: {(P99Stable ? "yes" : "no")}). Lost {FramesLost}, disordered {FramesDisordered}, streams failed {StreamsFailed}, cycles {Cycles:N0} ({CyclesFailed} failed), leaked sessions {LeakedSessions}, leaked load contexts {LeakedLoadContexts}. Succeeded: {(Succeeded ? "yes" : "no")}{(Error is null ? string.Empty : " ⚠ " + Error)}."));
        return table.ToString();
    }
}
