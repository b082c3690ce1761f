using System.Diagnostics;

namespace AkkaMedia.EdgeLoad;

/// <summary>Percentiles of <see cref="Stopwatch"/> durations, in milliseconds, from a sorted array (exact, nearest rank).</summary>
internal sealed record Percentiles(int Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static readonly Percentiles Empty = new(0, 0, 0, 0, 0, 0);

    /// <summary>Sorts <paramref name="ticks"/> in place and reads its percentiles.</summary>
    public static Percentiles Of(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return Empty;
        }

        Array.Sort(ticks);
        return new Percentiles(ticks.Length, At(ticks, 0.50), At(ticks, 0.90), At(ticks, 0.99), At(ticks, 0.999), Milliseconds(ticks[^1]));
    }

    public static double Milliseconds(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);

    private static double At(long[] sorted, double quantile) =>
        Milliseconds(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)]);
}
