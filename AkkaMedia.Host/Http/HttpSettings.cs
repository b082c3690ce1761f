using Akka.Configuration;
using AkkaMedia.Host.Admin;

namespace AkkaMedia.Host.Http;

/// <summary>
/// Where the HTTP endpoints (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>) listen, read from <c>akka-media.http</c>
/// (defaults in the host's <c>reference.conf</c>). An empty hostname means the admin server's.
/// </summary>
internal sealed record HttpSettings(bool Enabled, string Hostname, int Port, TimeSpan AskTimeout)
{
    /// <summary>Reads <c>akka-media.http</c> of <paramref name="config"/> over the defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the key and what is allowed.</exception>
    public static HttpSettings Create(Config config)
    {
        var full = config.WithFallback(AdminSettings.DefaultConfig);
        var http = full.GetConfig("akka-media.http");
        var hostname = http.GetString("hostname") ?? string.Empty;
        if (string.IsNullOrWhiteSpace(hostname))
        {
            hostname = full.GetString("akka-media.admin.hostname") ?? "127.0.0.1";
        }

        var settings = new HttpSettings(http.GetBoolean("enabled"), hostname, http.GetInt("port"), http.GetTimeSpan("ask-timeout"));
        if (settings.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException("akka-media.http.port", settings.Port, "akka-media.http.port (--http-port) must be between 0 and 65535 (0 = any free port).");
        }

        if (settings.AskTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.http.ask-timeout", settings.AskTimeout, "akka-media.http.ask-timeout must be a positive duration, e.g. 1s.");
        }

        return settings;
    }
}
