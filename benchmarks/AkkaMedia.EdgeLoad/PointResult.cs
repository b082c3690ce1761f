namespace AkkaMedia.EdgeLoad;

/// <summary>
/// What one point measured: K sessions against one server for the paced window.
/// </summary>
/// <param name="Target"><c>floor</c>, <c>serve</c>, or the URL in client mode.</param>
/// <param name="Sessions">Sessions asked for (K).</param>
/// <param name="Started">Sessions that got <c>started</c>.</param>
/// <param name="Seconds">Paced seconds after the last session started.</param>
/// <param name="SampleRate">The client's rate.</param>
/// <param name="Setup">Connect + <c>start</c> → <c>started</c>, per started session.</param>
/// <param name="Connect">The WebSocket handshake alone (part of <paramref name="Setup"/>), per started session.</param>
/// <param name="FirstRoundTrip">The round trip of each session's first packet: <c>started</c> may come before a remote stage is placed, and the first packets wait for it.</param>
/// <param name="SetupUnderLoad">Setup of the probe sessions opened one at a time while the K sessions streamed.</param>
/// <param name="RampMs">From the first connect to the last <c>started</c>.</param>
/// <param name="RoundTrip">Every paired packet: from the clock's tick to the echo's arrival.</param>
/// <param name="Steady">The packets sent after the last session started (no session being set up meanwhile).</param>
/// <param name="P99MsBySecond">The 99th percentile of the packets sent in each second of the point, ramp included.</param>
/// <param name="FramesSent">Packets sent, all sessions.</param>
/// <param name="FramesReceived">Audio messages received, all sessions.</param>
/// <param name="FramesDropped">Packets the server reported dropped (<c>dropped</c> events).</param>
/// <param name="FramesLost">Sent by sessions that ended cleanly, neither received nor reported dropped: must be 0.</param>
/// <param name="FramesLostInFailedSessions">The same for the failed sessions (what was in flight when their pipeline failed or their socket broke).</param>
/// <param name="OutOfOrder">Packets received after a later one.</param>
/// <param name="Duplicates">Packets received twice.</param>
/// <param name="CountMismatches">Sessions whose <c>stopped</c> counts disagree with the client's (framesIn ≠ sent, or framesOut ≠ received).</param>
/// <param name="SessionsFailed">Sessions that did not start, or ended otherwise than <c>stopped</c> + close 1000.</param>
/// <param name="Failures">The first few failures, as the sessions saw them.</param>
/// <param name="OtherEvents">Events other than started, dropped, pong and stopped.</param>
/// <param name="MaxSendBacklog">The most packets one session had waiting behind a send in flight (0: every send went out at once).</param>
/// <param name="ClockSkipped">Periods the clock thread missed (woke 20 ms late or more).</param>
/// <param name="CpuPercent">Processor time during the paced window, % of one core, per process.</param>
/// <param name="LoadAverage">The machine's 1-minute load average when the point started.</param>
internal sealed record PointResult(
    string Target,
    int Sessions,
    int Started,
    int Seconds,
    int SampleRate,
    Percentiles Setup,
    Percentiles Connect,
    Percentiles FirstRoundTrip,
    Percentiles SetupUnderLoad,
    double RampMs,
    Percentiles RoundTrip,
    Percentiles Steady,
    IReadOnlyList<double> P99MsBySecond,
    long FramesSent,
    long FramesReceived,
    long FramesDropped,
    long FramesLost,
    long FramesLostInFailedSessions,
    long OutOfOrder,
    long Duplicates,
    int CountMismatches,
    int SessionsFailed,
    IReadOnlyList<string> Failures,
    long OtherEvents,
    int MaxSendBacklog,
    long ClockSkipped,
    IReadOnlyDictionary<string, double> CpuPercent,
    double LoadAverage)
{
    /// <summary>Nothing lost unreported, nothing duplicated or reordered, every session started and stopped cleanly with matching counts.</summary>
    public bool Clean => FramesLost == 0 && OutOfOrder == 0 && Duplicates == 0 && CountMismatches == 0 && SessionsFailed == 0;
}
