namespace AkkaMedia.Fuzz;

/// <summary>What a run of one target did.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Inputs">Inputs parsed.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Rejected">Inputs refused with a documented exception.</param>
/// <param name="Outcomes">Distinct outcome kinds seen (results and rejection shapes): a rough measure of the paths reached.</param>
/// <param name="Corpus">Inputs kept to mutate further (each reached a new outcome kind).</param>
/// <param name="MaxAllocated">Most bytes one input allocated.</param>
/// <param name="Slowest">Longest time one input took.</param>
/// <param name="Findings">Contract breaches, the smallest input of each kind.</param>
internal sealed record FuzzReport(string Target, long Inputs, TimeSpan Elapsed, long Rejected, int Outcomes, int Corpus, long MaxAllocated, TimeSpan Slowest, IReadOnlyList<Finding> Findings)
{
    /// <summary>The row of the figures table in docs/benchmarks.md.</summary>
    public string Row() =>
        $"| {Target} | {Inputs:N0} | {Elapsed.TotalSeconds:F1} | {Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):N0} | {100.0 * Rejected / Math.Max(Inputs, 1):F1} % | {Outcomes} | {MaxAllocated / 1024.0:N0} KiB | {Slowest.TotalMilliseconds:F1} | {Findings.Count} |";

    /// <summary>The header of <see cref="Row"/>.</summary>
    public const string Header =
        "| target | inputs | seconds | inputs/s | rejected | outcome kinds | max alloc/input | slowest ms | findings |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";
}
