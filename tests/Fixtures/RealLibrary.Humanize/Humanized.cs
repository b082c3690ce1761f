using Humanizer;

namespace RealLibrary.Humanize;

/// <summary>A user object over Humanizer.Core, which invokes methods by reflection and probes for files.</summary>
public sealed class Humanized : IHumanize
{
    /// <inheritdoc />
    public string Words(int number) => number.ToWords();

    /// <inheritdoc />
    public string Duration(TimeSpan duration) => duration.Humanize(precision: 2);
}
