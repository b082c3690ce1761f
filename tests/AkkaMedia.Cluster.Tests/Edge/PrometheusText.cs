using System.Globalization;
using System.Text.RegularExpressions;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>The samples of one Prometheus text exposition (a <c>/metrics</c> answer), summed by name and labels.</summary>
internal sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _series;

    private PrometheusText(string text)
    {
        Text = text;
        _series = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(static l => !l.StartsWith('#'))
            .Select(static line =>
            {
                var nameEnd = line.IndexOfAny(['{', ' ']);
                var labelsEnd = line.LastIndexOf('}');
                var labels = Label().Matches(labelsEnd < 0 ? string.Empty : line[nameEnd..labelsEnd])
                    .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
                var value = line[(Math.Max(labelsEnd, nameEnd) + 1)..].Trim().Split(' ')[0];
                return (line[..nameEnd], labels, double.Parse(value, CultureInfo.InvariantCulture));
            })
            .ToList();
    }

    /// <summary>The exposition as served, for failure messages.</summary>
    public string Text { get; }

    /// <summary>Fetches <c>/metrics</c> from <paramref name="server"/>.</summary>
    public static async Task<PrometheusText> ScrapeAsync(HttpClient http, Uri server) =>
        new(await http.GetStringAsync(new Uri(server, "/metrics")).ConfigureAwait(false));

    /// <summary>The sum of the series named <paramref name="name"/> whose labels include <paramref name="labels"/> (<c>name=value</c>); 0 when there is none.</summary>
    public double Value(string name, params string[] labels)
    {
        var wanted = labels.Select(static l => l.Split('=', 2)).ToList();
        return _series
            .Where(s => s.Name == name && wanted.All(w => s.Labels.TryGetValue(w[0], out var v) && v == w[1]))
            .Sum(s => s.Value);
    }

    /// <summary>The lines of the series named <paramref name="prefix"/>…, for failure messages.</summary>
    public string Lines(string prefix) =>
        string.Join(Environment.NewLine, Text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)));

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex Label();
}
