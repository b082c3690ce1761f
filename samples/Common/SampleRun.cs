using System.CommandLine;
using System.Globalization;
using AkkaMedia.Deployment;

namespace AkkaMedia.Samples.Common;

/// <summary>
/// What the body of a sample gets from <see cref="SampleCommand"/>: the connection to the executor, the
/// parsed options, the output, and the reports every sample that ships code prints.
/// </summary>
public sealed class SampleRun
{
    private const int LabelWidth = 16;

    private readonly ParseResult _parseResult;
    private readonly ShippedAssemblyWatch _loads;

    internal SampleRun(string name, ExecutorConnection connection, ParseResult parseResult, TextWriter output, ShippedAssemblyWatch loads, CancellationToken cancellationToken)
    {
        Name = name;
        Connection = connection;
        _parseResult = parseResult;
        Output = output;
        _loads = loads;
        CancellationToken = cancellationToken;
    }

    /// <summary>The sample's name, the prefix of its first and last report lines.</summary>
    public string Name { get; }

    /// <summary>The client actor system and the executor to ship to.</summary>
    public ExecutorConnection Connection { get; }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Cancelled on Ctrl-C.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The value of one of the sample's own options (or its default).</summary>
    public T Get<T>(Option<T> option) => _parseResult.GetValue(option)!;

    /// <summary>
    /// Writes the first lines of the report: <c>NAME: <paramref name="headline"/></c>, then which executor runs
    /// the code and how it was reached (in this process, or another one).
    /// </summary>
    public async Task WriteHeadlineAsync(string headline)
    {
        await Output.WriteLineAsync($"{Name}: {headline}");
        await WriteAsync("mode", Connection.Mode);
    }

    /// <summary>Writes one report line: <paramref name="label"/>, a colon, and <paramref name="text"/> in an aligned column.</summary>
    public Task WriteAsync(string label, string text) =>
        Output.WriteLineAsync((label + ":").PadRight(LabelWidth) + text);

    /// <summary>
    /// Writes what <paramref name="package"/> ships: one line per assembly with its version, size and the start of
    /// its SHA-256 (the executor's cache key). Framework and AkkaMedia assemblies are never part of it.
    /// </summary>
    public async Task WritePackageAsync(CodePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var c = CultureInfo.InvariantCulture;
        await WriteAsync("shipped", string.Create(c,
            $"{package.Entries.Count} {(package.Entries.Count == 1 ? "assembly" : "assemblies")}, {package.TotalBytes:N0} bytes (framework and AkkaMedia assemblies stay on the executor)"));
        foreach (var entry in package.Entries)
        {
            await Output.WriteLineAsync(new string(' ', LabelWidth) + string.Create(c,
                $"- {entry.FileName} {entry.Version}, {entry.Length:N0} bytes, sha256 {entry.Sha256[..12]}…"));
        }
    }

    /// <summary>
    /// With an in-process executor: writes which load contexts the executor loaded the assemblies of
    /// <paramref name="package"/> into and returns a problem for each one it did not load from the shipped
    /// bytes into a collectible context (the sample's own copies in the default context do not count).
    /// Against another process: says so and returns no problem; that the executor's folder lacks the code is
    /// what the sample's specs check.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckLoadedFromPackageAsync(CodePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (!Connection.IsInProcess)
        {
            await WriteAsync("loaded there", "by the executor's own process, from the shipped package (its load contexts are not visible from here)");
            return [];
        }

        var problems = new List<string>();
        var loaded = _loads.Loaded;
        foreach (var entry in package.Entries)
        {
            var copy = loaded.FirstOrDefault(l => string.Equals(l.Name, entry.Name, StringComparison.OrdinalIgnoreCase) && l.FromBytes);
            if (copy is null)
            {
                problems.Add($"The in-process executor never loaded {entry.Name} from the shipped bytes into a collectible load context: the code did not run from the package.");
                continue;
            }

            await WriteAsync("loaded there", $"{copy.Name} {copy.Version} from the shipped bytes into collectible context '{copy.Context}'");
        }

        return problems;
    }

    /// <summary>
    /// For an executor that runs shipped code in worker processes: returns a problem for each assembly of
    /// <paramref name="package"/> that was loaded from shipped bytes in this process (with an in-process executor it
    /// should have been loaded by a worker process only). Against another process there is nothing to see from here.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckLoadedInWorkerAsync(CodePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (!Connection.IsInProcess)
        {
            await WriteAsync("loaded there", "by a worker process of the executor, from the shipped package");
            return [];
        }

        var problems = new List<string>();
        foreach (var copy in _loads.Loaded.Where(l => l.FromBytes && package.Entries.Any(e => string.Equals(e.Name, l.Name, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"{copy.Name} was loaded from the shipped bytes in the executor's own process (context '{copy.Context}'); with process isolation only a worker process may load it.");
        }

        if (problems.Count == 0)
        {
            await WriteAsync("loaded there", "not in this process: by a worker process the executor started for the session");
        }

        return problems;
    }
}
