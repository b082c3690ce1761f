using System.CommandLine;
using System.CommandLine.Parsing;
using AkkaMedia.Host.Logs;

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

    public static Option<int?> AdminPort()
    {
        var option = new Option<int?>("--admin-port")
        {
            Description = "TCP port of the admin server (akkamedia cmd); 0 = any free port. Default: akka-media.admin.port (9110).",
        };
        Require(option, port => port is null or (>= 0 and <= 65535), "--admin-port must be between 0 and 65535 (0 = any free port).");
        return option;
    }

    public static Option<string?> AdminHostname() => new("--admin-hostname")
    {
        Description = "Address the admin server listens on. Default: akka-media.admin.hostname (127.0.0.1); any other address needs akka-media.admin.token.",
    };

    public static Option<int?> HttpPort(string defaultText = "Default: off, unless akka-media.http.enabled (port akka-media.http.port, 9111).")
    {
        var option = new Option<int?>("--http-port")
        {
            Description = $"Serve /healthz, /readyz and /metrics over HTTP on this port (0 = any free port). {defaultText}",
        };
        Require(option, port => port is null or (>= 0 and <= 65535), "--http-port must be between 0 and 65535 (0 = any free port).");
        return option;
    }

    public static Option<string?> HttpHostname(string defaultText = "Default: akka-media.http.hostname, empty = the admin server's address (127.0.0.1).") => new("--http-hostname")
    {
        Description = $"Address the HTTP endpoints listen on. {defaultText}",
    };

    public static Option<LogFormat?> LogFormat() => new("--log-format")
    {
        Description = "Log lines on standard error: text (one readable line per event) or json (one JSON object per line, CLEF). Default: akka-media.log.format (text).",
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Enum.TryParse<LogFormat>(token, ignoreCase: true, out var format) && Enum.IsDefined(format) && !int.TryParse(token, out _))
            {
                return format;
            }

            result.AddError($"--log-format must be text or json, not '{token}'.");
            return null;
        },
    };

    /// <summary>Flattens values given as repeated options and/or comma-separated lists.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
