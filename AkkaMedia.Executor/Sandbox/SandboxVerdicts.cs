using System.Collections.Concurrent;
using AkkaMedia.Deployment;

namespace AkkaMedia.Executor.Sandbox;

/// <summary>
/// The verdicts of one <see cref="SandboxPolicy"/> by package content: a package whose entries have the same SHA-256
/// hashes as one checked before gets that check's violations (none, or the same ones) without its metadata being read
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

    /// <summary>
    /// The violations of the package made of <paramref name="entries"/>, whose files are <paramref name="paths"/>: the
    /// known verdict, or <see cref="SandboxPolicy.Check"/>'s, remembered.
    /// </summary>
    public IReadOnlyList<SandboxViolation> Check(IReadOnlyList<PackageEntry> entries, IEnumerable<string> paths)
    {
        if (!policy.Enabled)
        {
            return [];
        }

        var key = string.Join(",", entries.Select(static e => e.Sha256).Order(StringComparer.Ordinal));
        if (_verdicts.TryGetValue(key, out var known))
        {
            return known;
        }

        Interlocked.Increment(ref _checks);
        var verdict = policy.Check(paths);
        if (_verdicts.Count >= Capacity)
        {
            _verdicts.Clear();
        }

        _verdicts[key] = verdict;
        return verdict;
    }
}
