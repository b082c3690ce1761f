namespace AkkaMedia.Deployment;

/// <summary>
/// The code a client ships to an executor: its entry assembly plus every dependency the executor is not
/// expected to have (neither framework nor AkkaMedia's own assemblies). Made by <see cref="DependencyAnalyzer"/>;
/// immutable; the bytes stay on the client's disk until <see cref="OpenRead"/> is called.
/// </summary>
public sealed class CodePackage
{
    private readonly Dictionary<PackageEntry, string> _paths;

    internal CodePackage(string entryAssembly, IReadOnlyList<(PackageEntry Entry, string Path)> files)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryAssembly);
        ArgumentNullException.ThrowIfNull(files);
        EntryAssembly = entryAssembly;
        Entries = files.Select(f => f.Entry).ToArray();
        _paths = files.ToDictionary(f => f.Entry, f => f.Path);
        if (Entries.Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != Entries.Count)
        {
            throw new ArgumentException("A package holds each assembly simple name at most once.", nameof(files));
        }

        TotalBytes = Entries.Sum(e => e.Length);
    }

    /// <summary>
    /// Simple name of the assembly the package was made for. It is the first of <see cref="Entries"/>, or absent
    /// from them when it is itself a framework or AkkaMedia assembly (then there is nothing to ship).
    /// </summary>
    public string EntryAssembly { get; }

    /// <summary>
    /// The manifest: one entry per assembly to ship, the entry assembly first, then its dependencies in
    /// breadth-first order of discovery. Simple names are unique (case-insensitively).
    /// </summary>
    public IReadOnlyList<PackageEntry> Entries { get; }

    /// <summary>Sum of the <see cref="PackageEntry.Length"/> of all entries, in bytes.</summary>
    public long TotalBytes { get; }

    /// <summary>
    /// Opens the bytes of <paramref name="entry"/> from the client's disk, read-only and shared for reading.
    /// The caller owns and disposes the stream. If the file changed since the package was made, the bytes no
    /// longer match <see cref="PackageEntry.Sha256"/> and the executor rejects them.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="entry"/> is not one of <see cref="Entries"/>.</exception>
    public Stream OpenRead(PackageEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!_paths.TryGetValue(entry, out var path))
        {
            throw new ArgumentException($"{entry.Name} is not part of the package of {EntryAssembly}.", nameof(entry));
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    }

    /// <summary>Where the bytes of <paramref name="entry"/> are on the client's disk.</summary>
    internal string PathOf(PackageEntry entry) => _paths[entry];

    /// <inheritdoc />
    public override string ToString() => $"{EntryAssembly}: {Entries.Count} assemblies, {TotalBytes} bytes";
}
