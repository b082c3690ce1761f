namespace AkkaMedia.LoadTest;

/// <summary>The JSON line of the throughput scenario.</summary>
/// <param name="Scenario">Always <c>throughput</c>.</param>
/// <param name="Transport"><c>link</c> or <c>streamrefs</c>.</param>
/// <param name="FramesPerSecond">Median of the runs' frames per second.</param>
/// <param name="Runs">Each measured run (the warm-up is not included).</param>
/// <param name="FrameBytes">Sample bytes per frame.</param>
/// <param name="Seconds">Measured seconds per run.</param>
/// <param name="FramesLost">Frames lost over all runs; must be 0.</param>
/// <param name="LoadAverage">The machine's 1-minute load average when the scenario started (other work competing for the cores).</param>
/// <param name="Error">Why the scenario could not complete; null when it did.</param>
internal sealed record ThroughputResult(
    string Scenario,
    string Transport,
    double FramesPerSecond,
    IReadOnlyList<ThroughputRun> Runs,
    int FrameBytes,
    int Seconds,
    long FramesLost,
    double LoadAverage,
    string? Error) : IScenarioResult
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Succeeded => Error is null && FramesLost == 0 && Runs.All(static r => r.OutOfOrder == 0);
}
