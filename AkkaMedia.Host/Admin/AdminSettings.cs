using System.Net;
using Akka.Configuration;

namespace AkkaMedia.Host.Admin;

/// <summary>
/// The admin command server's settings, read from <c>akka-media.admin</c> (defaults in the host's
/// <c>reference.conf</c>).
/// </summary>
internal sealed record AdminSettings(bool Enabled, string Hostname, int Port, string Token, TimeSpan IdleTimeout, int MaxConnections, TimeSpan AskTimeout)
{
    /// <summary>The host's own defaults (its embedded <c>reference.conf</c>).</summary>
    public static Config DefaultConfig { get; } = AkkaMediaConfig.Load(typeof(AdminSettings).Assembly, "AkkaMedia.Host.reference.conf");

    /// <summary>True when <see cref="Hostname"/> names a loopback address (<c>127.0.0.1</c>, <c>::1</c>, <c>localhost</c>).</summary>
    public bool IsLoopback => Hostname.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Hostname, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Reads <c>akka-media.admin</c> of <paramref name="config"/> over the defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the key and what is allowed.</exception>
    /// <exception cref="ArgumentException">The server would listen beyond loopback without a token; the message says how to fix it.</exception>
    public static AdminSettings Create(Config config)
    {
        var admin = config.WithFallback(DefaultConfig).GetConfig("akka-media.admin");
        var settings = new AdminSettings(
            admin.GetBoolean("enabled"),
            admin.GetString("hostname"),
            admin.GetInt("port"),
            admin.GetString("token") ?? string.Empty,
            admin.GetTimeSpan("idle-timeout"),
            admin.GetInt("max-connections"),
            admin.GetTimeSpan("ask-timeout"));
        if (string.IsNullOrWhiteSpace(settings.Hostname))
        {
            throw new ArgumentOutOfRangeException("akka-media.admin.hostname", "akka-media.admin.hostname must name an address to listen on, e.g. 127.0.0.1.");
        }

        if (settings.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException("akka-media.admin.port", settings.Port, "akka-media.admin.port (--admin-port) must be between 0 and 65535 (0 = any free port).");
        }

        if (settings.IdleTimeout <= TimeSpan.Zero || settings.AskTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.admin.idle-timeout", "akka-media.admin.idle-timeout and ask-timeout must be positive durations, e.g. 10s.");
        }

        if (settings.MaxConnections < 1)
        {
            throw new ArgumentOutOfRangeException("akka-media.admin.max-connections", settings.MaxConnections, "akka-media.admin.max-connections must be at least 1.");
        }

        if (settings.Enabled && !settings.IsLoopback && settings.Token.Length == 0)
        {
            throw new ArgumentException(
                $"The admin server would listen on {settings.Hostname}, beyond loopback, without a token: set akka-media.admin.token in the --config file " +
                "(operators then pass it with `akkamedia cmd --token`), or keep akka-media.admin.hostname = 127.0.0.1.");
        }

        return settings;
    }
}
