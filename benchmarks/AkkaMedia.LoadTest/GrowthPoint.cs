using System.Text.Json.Serialization;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The JSON line of one point of the growth scenario: K paced streams held over E executor processes.
/// Rates and round trips are over the measured window, once all K streams were running.
/// </summary>
/// <param name="Scenario">Always <c>growth</c>.</param>
/// <param name="Executors">Executor processes E.</param>
/// <param name="Streams">Concurrent streams K, 50 frames/s each.</param>
/// <param name="Seconds">Length of the measured window.</param>
/// <param name="FramesPerSecond">Frames back per second in the window, all streams together (K × 50 when every tick was sent).</param>
/// <param name="CpuPerFrameUs">Microseconds of processor time of the driver and all executors together per frame round trip in the window.</param>
/// <param name="ClientCpuPercent">Driver CPU in the window, % of one core.</param>
/// <param name="ExecutorCpuPercent">All executors' CPU in the window, % of one core.</param>
/// <param name="ExecutorCpuPercents">Each executor's CPU in the window, % of one core (how evenly the streams were spread).</param>
/// <param name="P50Ms">Median round trip of the frames sent in the window.</param>
/// <param name="P99Ms">99th percentile round trip of the frames sent in the window.</param>
/// <param name="P99WithRampMs">99th percentile round trip of every frame, the ramp (sessions being placed) included.</param>
/// <param name="SessionOpen">From starting each stream to its first frame back.</param>
/// <param name="RampMs">From the first stream started until every stream had a frame back.</param>
/// <param name="FramesSent">Frames sent by all streams, ramp and window.</param>
/// <param name="FramesLost">Sent minus received after every stream ended; must be 0.</param>
/// <param name="StreamsFailed">Streams that ended with an error.</param>
/// <param name="LoadAverage">The machine's 1-minute load average when the point started.</param>
/// <param name="Error">Why the point did not complete cleanly; null when it did.</param>
internal sealed record GrowthPoint(
    string Scenario,
    int Executors,
    int Streams,
    int Seconds,
    double FramesPerSecond,
    double CpuPerFrameUs,
    double ClientCpuPercent,
    double ExecutorCpuPercent,
    IReadOnlyList<double> ExecutorCpuPercents,
    double P50Ms,
    double P99Ms,
    double P99WithRampMs,
    SessionOpenLatency SessionOpen,
    double RampMs,
    long FramesSent,
    long FramesLost,
    int StreamsFailed,
    double LoadAverage,
    string? Error)
{
    /// <summary>True when the point lost, duplicated or reordered nothing and had no error.</summary>
    [JsonIgnore]
    public bool Succeeded { get; init; }

    /// <summary>The point of the paced run <paramref name="paced"/>.</summary>
    public static GrowthPoint Of(PacedResult paced) => new(
        "growth",
        paced.Executors,
        paced.Streams,
        paced.Seconds,
        paced.FramesPerSecond,
        paced.CpuPerFrameUs,
        paced.ClientCpuPercent,
        paced.ExecutorCpuPercent,
        paced.ExecutorCpuPercents,
        paced.Steady.P50Ms,
        paced.Steady.P99Ms,
        paced.P99Ms,
        paced.SessionOpen,
        paced.RampMs,
        paced.FramesSent,
        paced.FramesLost,
        paced.StreamsFailed,
        paced.LoadAverage,
        paced.Error)
    {
        Succeeded = paced.Succeeded,
    };

    /// <summary>A point that could not be measured (its executors did not start, say).</summary>
    public static GrowthPoint Failed(int executors, int streams, int seconds, string error) =>
        new("growth", executors, streams, seconds, 0, 0, 0, 0, [], 0, 0, 0, new SessionOpenLatency(0, 0, 0, 0, 0), 0, 0, 0, 0, LinuxCounters.LoadAverage(), error);
}
