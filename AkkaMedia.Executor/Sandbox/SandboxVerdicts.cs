using System.Collections.Concurrent;
using AkkaMedia.Deployment;

namespace AkkaMedia.Executor.Sandbox;

/// <summary>
/// The verdicts of one <see cref="SandboxPolicy"/> by package content: a package whose entries have the same SHA-256
/// hashes and kinds (assembly or native library) as one checked before gets that check's violations (none, or the same ones) without its metadata being read
/// again. Store entries are content-addressed and verified against their hash, and the policy does not change while
/// the executor runs, so the verdict cannot differ.
/// </summary>
/// <remarks>Thread-safe. Holds at most <see cref="Capacity"/> verdicts; when full it forgets them all and starts again.</remarks>
internal sealed class SandboxVerdicts(SandboxPolicy policy)
{
    /// <summary>Most verdicts held at once.</summary>
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, IReadOnlyList<SandboxViolation>> _verdicts = new(StringComparer.Ordinal);

    private long _checks;

    /// <summary>How many checks read metadata (a verdict was not known yet).</summary>
    public long Checks => Interlocked.Read(ref _checks);

    /// <summary>The policy whose verdicts these are.</summary>
    public SandboxPolicy Policy => policy;

    /// <summary>
    /// The violations of the package made of <paramref name="entries"/>, whose files are <paramref name="paths"/> (in the
    /// order of the entries): the known verdict, or <see cref="SandboxPolicy.Check(IEnumerable{string}, IEnumerable{ValueTuple{string, string}})"/>'s,
    /// remembered. Assemblies are checked by their metadata; native libraries are refused unless the policy allows native calls.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="paths"/> does not hold one path per entry.</exception>
    public IReadOnlyList<SandboxViolation> Check(IReadOnlyList<PackageEntry> entries, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(paths);
        if (!policy.Enabled)
        {
            return [];
        }

        // The kind is part of the content: the same bytes shipped as a native library are judged as one.
        var key = string.Join(",", entries.Select(static e => e.Kind == PackageEntryKind.NativeLibrary ? e.Sha256 + ":native" : e.Sha256).Order(StringComparer.Ordinal));
        if (_verdicts.TryGetValue(key, out var known))
        {
            return known;
        }

        Interlocked.Increment(ref _checks);
        var files = paths.ToArray();
        if (files.Length != entries.Count)
        {
            throw new ArgumentException($"{entries.Count} entries but {files.Length} paths.", nameof(paths));
        }

        var assemblies = files.Where((_, i) => entries[i].Kind == PackageEntryKind.Assembly);
        var natives = files.Select((path, i) => (entries[i].Name, Path: path, entries[i].Kind)).Where(static n => n.Kind == PackageEntryKind.NativeLibrary).Select(static n => (n.Name, n.Path));
        var verdict = policy.Check(assemblies, natives);
        if (_verdicts.Count >= Capacity)
        {
            _verdicts.Clear();
        }

        _verdicts[key] = verdict;
        return verdict;
    }
}
