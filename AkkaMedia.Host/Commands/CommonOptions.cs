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

    public static Option<int?> AdminPort()
    {
        var option = new Option<int?>("--admin-port")
        {
            Description = "TCP port of the admin server (akkamedia cmd); 0 = any free port. Default: akka-media.admin.port (9110).",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 65535)
            {
                r.AddError("--admin-port must be between 0 and 65535 (0 = any free port).");
            }
        });
        return option;
    }

    public static Option<string?> AdminHostname() => new("--admin-hostname")
    {
        Description = "Address the admin server listens on. Default: akka-media.admin.hostname (127.0.0.1); any other address needs akka-media.admin.token.",
    };

    /// <summary>Flattens values given as repeated options and/or comma-separated lists.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
