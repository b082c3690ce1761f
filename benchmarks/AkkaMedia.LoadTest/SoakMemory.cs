using System.Text.Json.Serialization;

namespace AkkaMedia.LoadTest;

/// <summary>The memory of both processes at one instant of the soak scenario, MB, after full collections.</summary>
/// <param name="ExecutorRssMb">The executor's resident set.</param>
/// <param name="ExecutorHeapMb">The executor's live managed heap.</param>
/// <param name="ClientRssMb">The driver's resident set.</param>
/// <param name="ClientHeapMb">The driver's live managed heap.</param>
internal sealed record SoakMemory(double ExecutorRssMb, double ExecutorHeapMb, double ClientRssMb, double ClientHeapMb)
{
    public static SoakMemory Of(ProcessMemory executor, ProcessMemory client) =>
        new(Mb(executor.RssBytes), Mb(executor.HeapBytes), Mb(client.RssBytes), Mb(client.HeapBytes));

    /// <summary>Growth from <paramref name="baseline"/> to this reading, % of the baseline, per figure.</summary>
    public SoakMemory GrowthPercentSince(SoakMemory baseline) => new(
        Percent(ExecutorRssMb, baseline.ExecutorRssMb),
        Percent(ExecutorHeapMb, baseline.ExecutorHeapMb),
        Percent(ClientRssMb, baseline.ClientRssMb),
        Percent(ClientHeapMb, baseline.ClientHeapMb));

    /// <summary>The largest of the four figures (of a growth: the worst).</summary>
    [JsonIgnore]
    public double Max => Math.Max(Math.Max(ExecutorRssMb, ExecutorHeapMb), Math.Max(ClientRssMb, ClientHeapMb));

    private static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

    private static double Percent(double value, double baseline) => baseline <= 0 ? 0 : Math.Round(100 * (value - baseline) / baseline, 1);
}
