using System.Diagnostics;

namespace AkkaMedia.LoadTest;

/// <summary>Percentiles of sorted <see cref="Stopwatch"/> tick latencies (nearest rank), in microseconds or milliseconds.</summary>
internal static class CallLatencies
{
    public static double Micros(List<long> sorted, double p) => Round(Ticks(sorted, p) * 1_000_000.0 / Stopwatch.Frequency, 1);

    public static double Millis(List<long> sorted, double p) => Round(Ticks(sorted, p) * 1000.0 / Stopwatch.Frequency, 3);

    public static double MeanMicros(List<long> sorted) => sorted.Count == 0 ? 0 : Round(sorted.Average() * 1_000_000.0 / Stopwatch.Frequency, 1);

    public static double MaxMicros(List<long> sorted) => sorted.Count == 0 ? 0 : Round(sorted[^1] * 1_000_000.0 / Stopwatch.Frequency, 1);

    public static double MaxMillis(List<long> sorted) => sorted.Count == 0 ? 0 : Round(sorted[^1] * 1000.0 / Stopwatch.Frequency, 3);

    private static long Ticks(List<long> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static double Round(double value, int digits) => Math.Round(value, digits);
}
