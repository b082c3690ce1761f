namespace AkkaMedia.LoadTest;

/// <summary>The <c>cycle</c> mode of the calls scenario: deploy (code already on the executor) + one call + dispose.</summary>
/// <param name="Cycles">Measured cycles (warm-up cycles not included).</param>
/// <param name="CyclesPerSecond">Cycles per second of the measured window, one after the other.</param>
/// <param name="P50Ms">Median cycle, milliseconds.</param>
/// <param name="P90Ms">90th percentile cycle, milliseconds.</param>
/// <param name="P99Ms">99th percentile cycle, milliseconds.</param>
/// <param name="MaxMs">Slowest cycle, milliseconds.</param>
/// <param name="DeployP50Ms">Median of the deploy alone (<c>RemoteObject.DeployAsync</c> until it returns).</param>
/// <param name="DeployP99Ms">99th percentile of the deploy alone.</param>
/// <param name="CallP50Ms">Median of the first call of a fresh object.</param>
/// <param name="DisposeP50Ms">Median of <c>DisposeAsync</c> (until the session has stopped).</param>
/// <param name="DisposeP99Ms">99th percentile of <c>DisposeAsync</c>.</param>
/// <param name="WrongResults">Calls that answered a wrong value; must be 0.</param>
/// <param name="ClientCpuPercent">Driver CPU over the window, in % of one core.</param>
/// <param name="ExecutorCpuPercent">Executor CPU over the window, in % of one core.</param>
internal sealed record CallCycleResult(
    int Cycles,
    double CyclesPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    double DeployP50Ms,
    double DeployP99Ms,
    double CallP50Ms,
    double DisposeP50Ms,
    double DisposeP99Ms,
    long WrongResults,
    double ClientCpuPercent,
    double ExecutorCpuPercent);
