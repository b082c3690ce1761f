using Akka.Configuration;
using AkkaMedia.Host.Admin;

namespace AkkaMedia.Host.Http;

/// <summary>
/// Where the HTTP endpoints (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>) listen, read from <c>akka-media.http</c>
/// (defaults in the host's <c>reference.conf</c>). An empty hostname means the admin server's.
/// </summary>
internal sealed record HttpSettings(bool Enabled, string Hostname, int Port, TimeSpan AskTimeout)
{
    /// <summary>
    /// How long a client may take to send a request's headers (<c>request-headers-timeout</c>); a slower one is answered
    /// 408 and closed (Kestrel's RequestHeadersTimeout).
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle kept-alive connection stays open between requests (<c>keep-alive-timeout</c>).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Most connections open at once, not counting WebSockets once upgraded (<c>max-concurrent-connections</c>); more are
    /// closed as they are accepted.
    /// </summary>
    public long MaxConcurrentConnections { get; init; } = 1000;

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

        settings = settings with
        {
            RequestHeadersTimeout = http.GetTimeSpan("request-headers-timeout"),
            KeepAliveTimeout = http.GetTimeSpan("keep-alive-timeout"),
            MaxConcurrentConnections = http.GetLong("max-concurrent-connections"),
        };
        if (settings.RequestHeadersTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.http.request-headers-timeout", settings.RequestHeadersTimeout, "akka-media.http.request-headers-timeout must be a positive duration, e.g. 10s.");
        }

        if (settings.KeepAliveTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.http.keep-alive-timeout", settings.KeepAliveTimeout, "akka-media.http.keep-alive-timeout must be a positive duration, e.g. 60s.");
        }

        if (settings.MaxConcurrentConnections <= 0)
        {
            throw new ArgumentOutOfRangeException("akka-media.http.max-concurrent-connections", settings.MaxConcurrentConnections, "akka-media.http.max-concurrent-connections must be at least 1.");
        }

        return settings;
    }
}
