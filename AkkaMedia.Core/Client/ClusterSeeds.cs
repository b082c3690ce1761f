using System.Globalization;

namespace AkkaMedia.Client;

/// <summary>
/// Seed addresses as people write them: <c>host:port</c> (<c>127.0.0.1:4053</c>) or the full
/// <c>akka.tcp://media@host:port</c> (<c>akka.ssl.tcp://media@host:port</c> in a cluster that speaks TLS). Every
/// AkkaMedia node of one cluster shares one actor system name.
/// </summary>
public static class ClusterSeeds
{
    /// <summary>The actor system name AkkaMedia nodes use unless configured otherwise.</summary>
    public const string DefaultSystemName = "media";

    /// <summary>The address protocol of a node: <c>akka.ssl.tcp</c> when it speaks TLS (<c>akka-media.tls</c>), else <c>akka.tcp</c>.</summary>
    public static string Protocol(bool tls) => tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>The full address of <paramref name="seed"/>; a full address passes unchanged (without a trailing slash).</summary>
    /// <param name="seed">The seed as written.</param>
    /// <param name="systemName">The actor system name of the cluster; a full address naming another one is refused.</param>
    /// <param name="tls">
    /// Whether the cluster speaks TLS: <c>host:port</c> then becomes <c>akka.ssl.tcp://…</c>, and a full address of the other
    /// protocol is refused (a plain node cannot reach a TLS one, nor the reverse).
    /// </param>
    /// <exception cref="ArgumentException">The seed is neither form, or names another actor system or protocol; the message says what to write.</exception>
    public static string Normalize(string seed, string systemName = DefaultSystemName, bool tls = false) =>
        TryNormalize(seed, out var address, out var error, systemName, tls) ? address : throw new ArgumentException(error, nameof(seed));

    /// <summary>Like <see cref="Normalize"/>, with the reason in <paramref name="error"/> instead of an exception.</summary>
    public static bool TryNormalize(string seed, out string address, out string error, string systemName = DefaultSystemName, bool tls = false)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentException.ThrowIfNullOrWhiteSpace(systemName);
        var protocol = Protocol(tls);
        var text = seed.Trim().TrimEnd('/');
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var full = scheme >= 0;
        var at = full ? text.IndexOf('@', StringComparison.Ordinal) : -1;
        var hostStart = full ? at + 1 : 0;
        var colon = text.LastIndexOf(':');
        address = string.Empty;
        if ((full && at < scheme) || colon <= hostStart
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or >= 65536)
        {
            error = $"Seed '{seed}' is not valid: use host:port (127.0.0.1:4053) or {protocol}://{systemName}@host:port.";
            return false;
        }

        if (full)
        {
            var given = text[..scheme];
            if (!string.Equals(given, protocol, StringComparison.Ordinal))
            {
                error = given == Protocol(!tls)
                    ? $"Seed '{seed}' is a {(tls ? "plain" : "TLS")} address, but this node {(tls ? "speaks TLS" : "does not speak TLS")}: every member of one cluster " +
                      $"does the same (write host:port, or {protocol}://{systemName}@host:port)."
                    : $"Seed '{seed}' is not valid: use host:port (127.0.0.1:4053) or {protocol}://{systemName}@host:port.";
                return false;
            }

            var name = text[(scheme + 3)..at];
            if (!string.Equals(name, systemName, StringComparison.Ordinal))
            {
                error = $"Seed '{seed}' names the actor system '{name}', but this cluster's is '{systemName}': every member of one cluster uses the same name (write host:port to use '{systemName}').";
                return false;
            }

            address = text;
        }
        else
        {
            address = $"{protocol}://{systemName}@{text[..colon]}:{port}";
        }

        error = string.Empty;
        return true;
    }
}
