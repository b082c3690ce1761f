using System.Text.Json.Serialization;

namespace AkkaMedia.LoadTest;

/// <summary>The JSON line of the paced scenario. Latencies are round trips (send → back) in milliseconds over all frames of all streams.</summary>
/// <param name="Scenario">Always <c>paced</c>.</param>
/// <param name="Transport"><c>link</c> or <c>streamrefs</c>.</param>
/// <param name="Streams">Concurrent streams at 50 frames/s each.</param>
/// <param name="Seconds">Frames per stream / 50.</param>
/// <param name="P50Ms">Median round trip.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="MaxMs">Worst frame.</param>
/// <param name="FramesSent">Frames sent by all streams.</param>
/// <param name="FramesReceived">Frames back.</param>
/// <param name="FramesLost">Sent minus received after every stream ended; must be 0.</param>
/// <param name="ClientCpuPercent">Driver CPU while all streams ran, % of one core.</param>
/// <param name="ExecutorCpuPercent">Executor CPU while all streams ran, % of one core (all executors added up).</param>
/// <param name="P90Ms">90th percentile.</param>
/// <param name="P999Ms">99.9th percentile.</param>
/// <param name="MeanMs">Mean round trip.</param>
/// <param name="OutOfOrder">Frames that did not follow their predecessor.</param>
/// <param name="Duplicates">Frames that came back twice.</param>
/// <param name="StreamsFailed">Streams that ended with an error.</param>
/// <param name="RampMs">From the first stream opened until every stream had its first frame back (placing the sessions, in waves).</param>
/// <param name="Wave">Streams opened at once.</param>
/// <param name="CpuWindowSeconds">Length of the CPU window (all streams running, from the end of the ramp).</param>
/// <param name="PerFrame">Allocations, context switches and TCP segments per frame round trip in the CPU window.</param>
/// <param name="ClientCollections">Driver GCs in the CPU window, gen0/gen1/gen2.</param>
/// <param name="ExecutorCollections">Executor GCs in the CPU window, gen0/gen1/gen2.</param>
/// <param name="Runtime">Compilation and GC pauses in the CPU window.</param>
/// <param name="P99MsBySecond">The 99th percentile of the frames sent in each second after the first stream opened: where in the run the slow frames were.</param>
/// <param name="Steady">The same percentiles over the frames sent once every stream was running (after the ramp), without the stalls of placing sessions.</param>
/// <param name="SessionOpen">From starting each stream (materializing it, which places its session) to its first frame back.</param>
/// <param name="FramesPerSecond">Frames back per second in the CPU window, all streams together.</param>
/// <param name="CpuPerFrameUs">Microseconds of processor time of the driver and the executors together per frame round trip in the CPU window.</param>
/// <param name="Executors">Executor processes the streams were spread over.</param>
/// <param name="ExecutorCpuPercents">Each executor's CPU in the CPU window, % of one core (how evenly placement spread the streams).</param>
/// <param name="PaceResolutionMs">How often the paced clock handed out due ticks (<c>--pace-resolution</c>).</param>
/// <param name="LoadAverage">The machine's 1-minute load average when the scenario started.</param>
/// <param name="Ramp">Processor time spent placing the streams (the ramp), per stream.</param>
/// <param name="StartAfterPlacement">Whether the streams waited, after one frame each, until all were placed (<c>--start-after-placement</c>).</param>
/// <param name="Error">Why the scenario did not complete cleanly; null when it did.</param>
/// <param name="Flood">With <c>--flood N</c>: the session-open flood and the paced round trips before and during it; null otherwise.</param>
internal sealed record PacedResult(
    string Scenario,
    string Transport,
    int Streams,
    int Seconds,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    long FramesSent,
    long FramesReceived,
    long FramesLost,
    double ClientCpuPercent,
    double ExecutorCpuPercent,
    double P90Ms,
    double P999Ms,
    double MeanMs,
    long OutOfOrder,
    long Duplicates,
    int StreamsFailed,
    double RampMs,
    int Wave,
    double CpuWindowSeconds,
    PerFrame PerFrame,
    string ClientCollections,
    string ExecutorCollections,
    RuntimeCost Runtime,
    IReadOnlyList<double> P99MsBySecond,
    SteadyLatency Steady,
    SessionOpenLatency SessionOpen,
    double FramesPerSecond,
    double CpuPerFrameUs,
    int Executors,
    IReadOnlyList<double> ExecutorCpuPercents,
    int PaceResolutionMs,
    double LoadAverage,
    RampCost? Ramp,
    bool StartAfterPlacement,
    string? Error,
    FloodResult? Flood = null) : IScenarioResult
{
    [JsonIgnore]
    public bool Succeeded => Error is null && FramesLost == 0 && OutOfOrder == 0 && Duplicates == 0 && StreamsFailed == 0;
}
