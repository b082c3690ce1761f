using System.CommandLine;
using System.CommandLine.Parsing;

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

    /// <summary>
    /// Adds a range check to <paramref name="option"/>. A value that is not even a <typeparamref name="T"/>
    /// is left to the parser's own conversion error (reading it in a validator would throw).
    /// </summary>
    public static void Require<T>(Option<T> option, Func<T, bool> isValid, string message) =>
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;
            }

            if (!isValid(value))
            {
                result.AddError(message);
            }
        });

    /// <summary>Flattens values given as repeated options and/or comma-separated lists.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
