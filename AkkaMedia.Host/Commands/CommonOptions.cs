using System.CommandLine;

namespace AkkaMedia.Host.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string[]> Seeds(string description) => new("--seeds")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [],
    };

    public static Option<string?> ConfigFile() => new("--config")
    {
        Description = "A HOCON file layered over the deployable defaults of hocon/ (flags still win).",
    };

    /// <summary>Flattens values given as repeated options and/or comma-separated lists.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
