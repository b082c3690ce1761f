using System.Globalization;
using ScottPlot;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The soak scenario's chart: two panels against the minute, linear axes from 0 (so a flat line is flat): the resident set
/// and live managed heap of the executor and of the driver, with the baseline of the growth marked; and the round-trip
/// p50 and p99 of each minute. Written as one PNG.
/// </summary>
internal static class SoakChart
{
    private const int Width = 1400;
    private const int Height = 1000;

    /// <summary>Draws <paramref name="result"/>'s minutes into the PNG file <paramref name="path"/> (its folder is created).</summary>
    public static void Save(SoakResult result, string path)
    {
        var minutes = result.PerMinute;
        double[] xs = [.. minutes.Select(static m => (double)m.Minute)];
        var load = minutes.Count == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", load average {minutes.Min(static m => m.LoadAverage):0.#}–{minutes.Max(static m => m.LoadAverage):0.#}");
        var growth = result.GrowthPercent is { } g
            ? string.Create(CultureInfo.InvariantCulture, $" (growth from the baseline: executor RSS {g.ExecutorRssMb:+0.0;-0.0} %, heap {g.ExecutorHeapMb:+0.0;-0.0} %, client RSS {g.ClientRssMb:+0.0;-0.0} %, heap {g.ClientHeapMb:+0.0;-0.0} %)")
            : string.Empty;

        var memory = new Plot();
        memory.Title($"Memory after full collections, {result.Streams} streams, {result.ReplacedPerMinute} replaced a minute{growth}", size: 13);
        memory.XLabel("minute", size: 12);
        memory.YLabel("MB", size: 12);
        var palette = new ScottPlot.Palettes.Category10();
        // A baseline read between two minutes (short runs) is a point of its own, so the lines start there.
        var readings = minutes.Select(static m => (X: (double)m.Minute, Memory: new SoakMemory(m.ExecutorRssMb, m.ExecutorHeapMb, m.ClientRssMb, m.ClientHeapMb))).ToList();
        if (result.Baseline is { } first && result.BaselineSeconds % 60 != 0)
        {
            readings.Insert(0, (result.BaselineSeconds / 60.0, first));
        }

        double[] memoryXs = [.. readings.Select(static r => r.X)];
        Line(memory, memoryXs, [.. readings.Select(static r => r.Memory.ExecutorRssMb)], "executor RSS", palette.GetColor(0), LinePattern.Solid);
        Line(memory, memoryXs, [.. readings.Select(static r => r.Memory.ExecutorHeapMb)], "executor managed heap", palette.GetColor(0), LinePattern.Dashed);
        Line(memory, memoryXs, [.. readings.Select(static r => r.Memory.ClientRssMb)], "client RSS", palette.GetColor(1), LinePattern.Solid);
        Line(memory, memoryXs, [.. readings.Select(static r => r.Memory.ClientHeapMb)], "client managed heap", palette.GetColor(1), LinePattern.Dashed);
        var baseline = memory.Add.VerticalLine(result.BaselineSeconds / 60.0, 1, Colors.Gray, LinePattern.Dotted);
        baseline.LegendText = "baseline";
        memory.ShowLegend(Alignment.LowerRight);

        var latency = new Plot();
        latency.Title($"Round trip per minute (frames back in that minute{load})", size: 13);
        latency.XLabel("minute", size: 12);
        latency.YLabel("ms", size: 12);
        Line(latency, xs, [.. minutes.Select(static m => m.P99Ms)], "p99", palette.GetColor(3), LinePattern.Solid);
        Line(latency, xs, [.. minutes.Select(static m => m.P50Ms)], "p50", palette.GetColor(2), LinePattern.Solid);
        latency.ShowLegend(Alignment.UpperRight);

        foreach (var (plot, top) in new[] { (memory, MaxOf(minutes.Select(static m => Math.Max(m.ExecutorRssMb, m.ClientRssMb)))), (latency, MaxOf(minutes.Select(static m => m.P99Ms))) })
        {
            plot.Axes.SetLimitsX(0, Math.Max(1, minutes.Count) + 0.5);
            plot.Axes.SetLimitsY(0, Math.Max(top, 1e-3) * 1.15);
        }

        var figure = new Multiplot(memory);
        figure.AddPlot(latency);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(2, 1);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        figure.SavePng(path, Width, Height);
    }

    private static void Line(Plot plot, double[] xs, double[] ys, string legend, Color color, LinePattern pattern)
    {
        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LegendText = legend;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 6;
        scatter.LinePattern = pattern;
    }

    private static double MaxOf(IEnumerable<double> values) => values.DefaultIfEmpty(0).Max();
}
