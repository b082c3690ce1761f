using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The growth scenario's chart: four panels against the stream count K, both axes on a log scale
/// (frames/s delivered, CPU per frame, round-trip p99 with all K running, session-open p99), one line
/// per executor count, written as one PNG.
/// </summary>
internal static class GrowthChart
{
    private const int Width = 1400;
    private const int Height = 1000;

    /// <summary>Draws <paramref name="points"/> into the PNG file <paramref name="path"/> (its folder is created).</summary>
    public static void Save(IReadOnlyList<GrowthPoint> points, string path)
    {
        var measured = points.Where(static p => p.FramesPerSecond > 0).ToList();
        int[] streamCounts = [.. measured.Select(static p => p.Streams).Distinct().Order()];
        var load = points.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", load average {points.Min(static p => p.LoadAverage):0.#}–{points.Max(static p => p.LoadAverage):0.#}");
        var window = points.Count == 0 ? 0 : points[0].Seconds;
        Plot[] panels =
        [
            Panel(measured, streamCounts, "Frames/s delivered (round trips; dashed: K × 50 sent)", "frames/s (log scale)", static p => p.FramesPerSecond, logY: true, Alignment.UpperLeft, ideal: static k => k * 50.0),
            Panel(measured, streamCounts, "CPU per frame round trip, driver + executors", "µs of CPU per frame (log scale)", static p => p.CpuPerFrameUs, logY: true, Alignment.UpperRight),
            Panel(measured, streamCounts, $"Round trip p99, all K streams running ({window} s window{load})", "ms (log scale)", static p => p.P99Ms, logY: true, Alignment.UpperLeft),
            Panel(measured, streamCounts, "Session open p99 (stream start → first frame back)", "ms (log scale)", static p => p.SessionOpen.P99Ms, logY: true, Alignment.UpperLeft),
        ];

        var figure = new Multiplot(panels[0]);
        foreach (var panel in panels.Skip(1))
        {
            figure.AddPlot(panel);
        }

        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(2, 2);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        figure.SavePng(path, Width, Height);
    }

    private static Plot Panel(
        List<GrowthPoint> points, int[] streamCounts, string title, string yLabel, Func<GrowthPoint, double> value, bool logY, Alignment legend, Func<int, double>? ideal = null)
    {
        var plot = new Plot();
        plot.Title(title, size: 14);
        plot.XLabel("concurrent streams K (log scale)", size: 12);
        plot.YLabel(yLabel, size: 12);
        var palette = new ScottPlot.Palettes.Category10();
        if (ideal is not null && streamCounts.Length > 0)
        {
            double[] kx = [.. streamCounts.Select(static k => Math.Log10(k))];
            double[] ky = [.. streamCounts.Select(k => Math.Log10(ideal(k)))];
            var reference = plot.Add.Scatter(kx, ky, Colors.Gray);
            reference.LinePattern = LinePattern.Dashed;
            reference.MarkerSize = 0;
            reference.LineWidth = 1;
        }

        foreach (var (executors, index) in points.Select(static p => p.Executors).Distinct().Order().Select(static (e, i) => (e, i)))
        {
            var line = points.Where(p => p.Executors == executors && (!logY || value(p) > 0)).OrderBy(static p => p.Streams).ToList();
            double[] xs = [.. line.Select(static p => Math.Log10(p.Streams))];
            double[] ys = [.. line.Select(p => logY ? Math.Log10(value(p)) : value(p))];
            var scatter = plot.Add.Scatter(xs, ys, palette.GetColor(index));
            scatter.LegendText = executors == 1 ? "1 executor" : $"{executors} executors";
            scatter.LineWidth = 2;
            scatter.MarkerSize = 8;
        }

        var ticks = new NumericManual();
        foreach (var k in streamCounts)
        {
            ticks.AddMajor(Math.Log10(k), k.ToString("N0", CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        if (logY && points.Count > 0)
        {
            var values = points.Select(value).Where(static v => v > 0).ToList();
            if (ideal is not null)
            {
                values.AddRange(streamCounts.Select(ideal));
            }

            plot.Axes.Left.TickGenerator = LogTicks(values.Min(), values.Max());
        }
        plot.Axes.AutoScale();
        plot.Axes.Margins(horizontal: 0.06, vertical: 0.12);
        if (!logY && points.Count > 0)
        {
            // Linear panels start at 0, so a line that looks flat is flat.
            plot.Axes.SetLimitsY(0, Math.Max(points.Max(value), 1e-3) * 1.12);
        }

        plot.ShowLegend(legend);
        return plot;
    }

    /// <summary>Labelled ticks at 1, 2 and 5 × 10ⁿ and unlabelled ones at the other integers × 10ⁿ, from <paramref name="min"/> to <paramref name="max"/>, on a log10 axis.</summary>
    private static NumericManual LogTicks(double min, double max)
    {
        var ticks = new NumericManual();
        for (var decade = Math.Floor(Math.Log10(min)); decade <= Math.Ceiling(Math.Log10(max)); decade++)
        {
            for (var digit = 1; digit <= 9; digit++)
            {
                var tick = digit * Math.Pow(10, decade);
                if (tick < min / 1.5 || tick > max * 1.5)
                {
                    continue;
                }

                if (digit is 1 or 2 or 5)
                {
                    ticks.AddMajor(Math.Log10(tick), tick.ToString(tick < 10 ? "0.##" : "N0", CultureInfo.InvariantCulture));
                }
                else
                {
                    ticks.AddMinor(Math.Log10(tick));
                }
            }
        }

        return ticks;
    }
}
