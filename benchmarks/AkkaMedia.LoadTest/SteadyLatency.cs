namespace AkkaMedia.LoadTest;

/// <summary>Round trips of the frames sent after every paced stream had its first frame back.</summary>
/// <param name="Frames">How many frames that is.</param>
/// <param name="P50Ms">Median round trip, milliseconds.</param>
/// <param name="P99Ms">99th percentile, milliseconds.</param>
/// <param name="MaxMs">Worst frame, milliseconds.</param>
internal sealed record SteadyLatency(int Frames, double P50Ms, double P99Ms, double MaxMs);
