using System.Globalization;
using System.Text.RegularExpressions;

namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>Reads the report a sample prints: labelled lines (<c>label:   text</c>) and the shipped package's entries.</summary>
internal static partial class SampleOutput
{
    /// <summary>The text of every line labelled <paramref name="label"/>, in order.</summary>
    public static IReadOnlyList<string> Lines(string stdout, string label) =>
        stdout.Split('\n')
            .Select(static l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith(label + ":", StringComparison.Ordinal))
            .Select(l => l[(label.Length + 1)..].Trim())
            .ToList();

    /// <summary>The text of the one line labelled <paramref name="label"/>; fails the spec when there is not exactly one.</summary>
    public static string Line(string stdout, string label)
    {
        var lines = Lines(stdout, label);
        Assert.True(lines.Count == 1, $"expected one line labelled '{label}:' in:\n{stdout}");
        return lines[0];
    }

    /// <summary>The first group of <paramref name="pattern"/> in <paramref name="text"/>, as a number.</summary>
    public static double Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The files the sample says it shipped (<c>- Name.dll version, …</c> lines under <c>shipped:</c>).</summary>
    public static IReadOnlyList<string> ShippedFiles(string stdout) =>
        ShippedEntry().Matches(stdout).Select(static m => m.Groups[1].Value).ToList();

    /// <summary>
    /// Asserts that the sample shipped exactly <paramref name="expected"/> (in any order), none of them an
    /// AkkaMedia assembly, and that <paramref name="executorFolder"/> holds none of them at the version shipped (a
    /// dependency of the executor's own may be there at another version, as Fractions is for the Kubernetes client):
    /// the executor can only have run the code from the package.
    /// </summary>
    public static void AssertShippedAndAbsentFrom(string stdout, string executorFolder, params string[] expected)
    {
        var shipped = ShippedEntry().Matches(stdout).ToDictionary(static m => m.Groups[1].Value, static m => Version.Parse(m.Groups[2].Value), StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), shipped.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, version) in shipped)
        {
            var local = Path.Combine(executorFolder, file);
            Assert.False(
                File.Exists(local) && System.Reflection.AssemblyName.GetAssemblyName(local).Version == version,
                $"{file} {version} is in the executor's folder {executorFolder}: the run proves nothing about shipping.");
        }
    }

    [GeneratedRegex(@"^\s+- (\S+\.dll) (\d+(?:\.\d+)*), [\d,]+ bytes, sha256 [0-9a-f]{12}…", RegexOptions.Multiline)]
    private static partial Regex ShippedEntry();
}
