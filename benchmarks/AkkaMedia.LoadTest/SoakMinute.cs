namespace AkkaMedia.LoadTest;

/// <summary>
/// The JSON line of one minute of the soak scenario. Latencies are of the frames and cycles that came back in this
/// minute; counts ending in "so far" are since the run started; memory is read at the minute's end after full blocking
/// compacting collections in each process (<see cref="ProcessMemory"/>).
/// </summary>
/// <param name="Scenario">Always <c>soak-minute</c>.</param>
/// <param name="Minute">1 for the first minute after every stream was running.</param>
/// <param name="Streams">Streams running at the minute's end (open and not failed).</param>
/// <param name="StreamsReplaced">Streams closed and replaced by new ones so far (10 % of them every minute).</param>
/// <param name="FramesBack">Frames back in this minute, all streams together.</param>
/// <param name="P50Ms">Median round trip of the frames back in this minute, milliseconds.</param>
/// <param name="P99Ms">99th percentile of the same.</param>
/// <param name="MaxMs">Longest of the same.</param>
/// <param name="FramesLost">Frames sent and never back, of the streams closed so far (an open stream's frames are in flight).</param>
/// <param name="FramesDisordered">Frames back out of order, twice or never sent, so far.</param>
/// <param name="StreamsFailed">Streams that ended with an error so far.</param>
/// <param name="Cycles">Remote object deploy + call + dispose cycles completed in this minute.</param>
/// <param name="CycleP99Ms">99th percentile of those cycles, milliseconds.</param>
/// <param name="CyclesFailed">Cycles that threw or answered a wrong value so far.</param>
/// <param name="ExecutorRssMb">The executor's resident set, MB.</param>
/// <param name="ExecutorHeapMb">The executor's live managed heap after full collections, MB.</param>
/// <param name="ClientRssMb">The driver's resident set, MB.</param>
/// <param name="ClientHeapMb">The driver's live managed heap after full collections, MB.</param>
/// <param name="ExecutorSessions">Sessions the executor counts as active (its <c>ExecutorStatus</c>), read while no remote object is deployed.</param>
/// <param name="LeakedSessions">Sessions the executor counts beyond the driver's running streams; must be 0.</param>
/// <param name="LoadContexts">Session load contexts in the executor not unloaded yet, read while no remote object is deployed.</param>
/// <param name="LeakedLoadContexts">Session load contexts the executor still holds (unloaded or not) while no remote object is deployed; must be 0.</param>
/// <param name="ClientCpuPercent">Driver CPU in this minute, % of one core.</param>
/// <param name="ExecutorCpuPercent">Executor CPU in this minute, % of one core.</param>
/// <param name="LoadAverage">The machine's 1-minute load average at the minute's end.</param>
internal sealed record SoakMinute(
    string Scenario,
    int Minute,
    int Streams,
    int StreamsReplaced,
    long FramesBack,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    long FramesLost,
    long FramesDisordered,
    int StreamsFailed,
    int Cycles,
    double CycleP99Ms,
    int CyclesFailed,
    double ExecutorRssMb,
    double ExecutorHeapMb,
    double ClientRssMb,
    double ClientHeapMb,
    int ExecutorSessions,
    int LeakedSessions,
    int LoadContexts,
    int LeakedLoadContexts,
    double ClientCpuPercent,
    double ExecutorCpuPercent,
    double LoadAverage);
