namespace AkkaMedia.LoadTest;

/// <summary>
/// How long the paced streams took to open: from materializing a stream (which places its session on an
/// executor) to its first frame back. Includes the wait for the stream's next clock tick once the session
/// is placed (up to 20 ms: a tick that finds the stream not ready is dropped).
/// </summary>
/// <param name="Count">Streams that had a frame back (the others are not counted).</param>
/// <param name="P50Ms">Median, milliseconds.</param>
/// <param name="P90Ms">90th percentile, milliseconds.</param>
/// <param name="P99Ms">99th percentile, milliseconds.</param>
/// <param name="MaxMs">Slowest stream, milliseconds.</param>
internal sealed record SessionOpenLatency(int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs);
