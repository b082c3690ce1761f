namespace AkkaMedia.LoadTest;

/// <summary>
/// What placing the paced streams cost: processor time of each side over the ramp (from the first stream started to
/// the last one's first frame back), divided by the streams placed. With <c>--start-after-placement</c> no stream runs
/// meanwhile, so this is the cost of opening a session; otherwise it includes the streams already running.
/// </summary>
/// <param name="ClientCpuPercent">Driver CPU over the ramp, % of one core.</param>
/// <param name="ExecutorCpuPercent">Executor CPU over the ramp (all executors added up), % of one core.</param>
/// <param name="ClientCpuMsPerStream">Driver processor time per stream placed, milliseconds.</param>
/// <param name="ExecutorCpuMsPerStream">Executor processor time per stream placed, milliseconds.</param>
/// <param name="StreamsPerSecond">Streams placed per second of ramp.</param>
internal sealed record RampCost(double ClientCpuPercent, double ExecutorCpuPercent, double ClientCpuMsPerStream, double ExecutorCpuMsPerStream, double StreamsPerSecond)
{
    /// <summary>The cost of <paramref name="use"/> (the ramp's window) spread over <paramref name="streams"/> streams.</summary>
    public static RampCost Of(ResourceUse use, int streams)
    {
        var n = Math.Max(1, streams);
        return new RampCost(
            use.ClientCpuPercent,
            use.ExecutorCpuPercent,
            Math.Round(use.ClientCpuPercent / 100 * use.WallSeconds * 1000 / n, 3),
            Math.Round(use.ExecutorCpuPercent / 100 * use.WallSeconds * 1000 / n, 3),
            use.WallSeconds <= 0 ? 0 : Math.Round(streams / use.WallSeconds, 1));
    }
}
