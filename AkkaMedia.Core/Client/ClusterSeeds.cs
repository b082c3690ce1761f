using System.Globalization;

namespace AkkaMedia.Client;

/// <summary>
/// Seed addresses as people write them: <c>host:port</c> (<c>127.0.0.1:4053</c>) or the full
/// <c>akka.tcp://media@host:port</c>. Every AkkaMedia node of one cluster shares one actor system name.
/// </summary>
public static class ClusterSeeds
{
    /// <summary>The actor system name AkkaMedia nodes use unless configured otherwise.</summary>
    public const string DefaultSystemName = "media";

    /// <summary>The full address of <paramref name="seed"/>; a full address passes unchanged (without a trailing slash).</summary>
    /// <param name="seed">The seed as written.</param>
    /// <param name="systemName">The actor system name of the cluster; a full address naming another one is refused.</param>
    /// <exception cref="ArgumentException">The seed is neither form, or names another actor system; the message says what to write.</exception>
    public static string Normalize(string seed, string systemName = DefaultSystemName) =>
        TryNormalize(seed, out var address, out var error, systemName) ? address : throw new ArgumentException(error, nameof(seed));

    /// <summary>Like <see cref="Normalize"/>, with the reason in <paramref name="error"/> instead of an exception.</summary>
    public static bool TryNormalize(string seed, out string address, out string error, string systemName = DefaultSystemName)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentException.ThrowIfNullOrWhiteSpace(systemName);
        var text = seed.Trim().TrimEnd('/');
        var full = text.StartsWith("akka.tcp://", StringComparison.Ordinal);
        var at = full ? text.IndexOf('@', StringComparison.Ordinal) : -1;
        var hostStart = full ? at + 1 : 0;
        var colon = text.LastIndexOf(':');
        address = string.Empty;
        if ((full && at < 0) || colon <= hostStart
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or >= 65536)
        {
            error = $"Seed '{seed}' is not valid: use host:port (127.0.0.1:4053) or akka.tcp://{systemName}@host:port.";
            return false;
        }

        if (full)
        {
            var name = text["akka.tcp://".Length..at];
            if (!string.Equals(name, systemName, StringComparison.Ordinal))
            {
                error = $"Seed '{seed}' names the actor system '{name}', but this cluster's is '{systemName}': every member of one cluster uses the same name (write host:port to use '{systemName}').";
                return false;
            }

            address = text;
        }
        else
        {
            address = $"akka.tcp://{systemName}@{text[..colon]}:{port}";
        }

        error = string.Empty;
        return true;
    }
}
