namespace AkkaMedia.SpeechBench;

/// <summary>Nearest-rank percentiles of a sample, in milliseconds.</summary>
internal static class Percentiles
{
    public static string Json(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return """{"count":0}""";
        }

        var sorted = milliseconds.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return $$"""{"count":{{sorted.Length}},"p50Ms":{{At(0.5):0.0}},"p90Ms":{{At(0.9):0.0}},"p99Ms":{{At(0.99):0.0}},"maxMs":{{sorted[^1]:0.0}}}""";
    }
}
