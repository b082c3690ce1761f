using Akka.Configuration;
using AkkaMedia.Host.Admin;

namespace AkkaMedia.Host.Telemetry;

/// <summary>
/// Whether and where a host process exports its spans and metrics over OTLP, read from <c>akka-media.telemetry</c>
/// (defaults in the host's <c>reference.conf</c>) and, for what that leaves open, from the standard OpenTelemetry
/// environment variables (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_SDK_DISABLED</c> ...), which the exporter reads itself.
/// </summary>
/// <param name="Otlp"><c>auto</c>, <c>on</c> or <c>off</c>.</param>
/// <param name="Endpoint">The collector's base URL; null = the environment's or the exporter's default.</param>
/// <param name="Protocol"><c>grpc</c> or <c>http/protobuf</c>; null = the environment's or the exporter's default.</param>
/// <param name="Traces">Export spans.</param>
/// <param name="Metrics">Export metrics.</param>
/// <param name="MetricsInterval">How often metrics are sent; null = <c>OTEL_METRIC_EXPORT_INTERVAL</c> or the exporter's default.</param>
/// <param name="ServiceName">The <c>service.name</c>; null = <c>OTEL_SERVICE_NAME</c>, else <c>akkamedia-COMMAND</c>.</param>
internal sealed record TelemetrySettings(string Otlp, Uri? Endpoint, string? Protocol, bool Traces, bool Metrics, TimeSpan? MetricsInterval, string? ServiceName)
{
    /// <summary>The variables that, when set, turn export on in <c>auto</c> mode.</summary>
    public static readonly string[] EndpointVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <summary>Reads <c>akka-media.telemetry</c> of <paramref name="config"/> over the host's defaults.</summary>
    /// <exception cref="ArgumentException">A value is not allowed; the message names the key and what it accepts.</exception>
    public static TelemetrySettings Create(Config config)
    {
        var telemetry = config.WithFallback(AdminSettings.DefaultConfig).GetConfig("akka-media.telemetry");
        var otlp = (telemetry.GetString("otlp") ?? "auto").ToLowerInvariant();
        if (otlp is not ("auto" or "on" or "off"))
        {
            throw new ArgumentException($"akka-media.telemetry.otlp = \"{otlp}\" is not a mode; use auto (export when an endpoint is set), on or off.", nameof(config));
        }

        var endpointText = telemetry.GetString("endpoint") ?? string.Empty;
        Uri? endpoint = null;
        if (endpointText.Length > 0
            && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"akka-media.telemetry.endpoint = \"{endpointText}\" is not an http or https URL; give the collector's base URL, e.g. http://localhost:4318.", nameof(config));
        }

        var protocol = telemetry.GetString("protocol") ?? string.Empty;
        if (protocol.Length > 0 && protocol is not ("grpc" or "http/protobuf"))
        {
            throw new ArgumentException($"akka-media.telemetry.protocol = \"{protocol}\" is not an OTLP protocol; use grpc or http/protobuf (or leave it empty).", nameof(config));
        }

        TimeSpan? interval = null;
        if (!string.IsNullOrEmpty(telemetry.GetString("metrics-interval")))
        {
            interval = telemetry.GetTimeSpan("metrics-interval");
            if (interval <= TimeSpan.Zero)
            {
                throw new ArgumentException("akka-media.telemetry.metrics-interval must be a positive duration, e.g. 10s (or empty for the exporter's default).", nameof(config));
            }
        }

        var serviceName = telemetry.GetString("service-name") ?? string.Empty;
        return new TelemetrySettings(
            otlp,
            endpoint,
            protocol.Length == 0 ? null : protocol,
            telemetry.GetBoolean("traces"),
            telemetry.GetBoolean("metrics"),
            interval,
            serviceName.Length == 0 ? null : serviceName);
    }

    /// <summary>
    /// Whether to export, given the process's <paramref name="environment"/>: <c>on</c>, or <c>auto</c> with an endpoint
    /// here or in an endpoint variable; never with <c>off</c> or <c>OTEL_SDK_DISABLED=true</c>, nor with neither signal on.
    /// </summary>
    public bool IsEnabled(Func<string, string?> environment)
    {
        if (Otlp == "off" || !(Traces || Metrics) || string.Equals(environment("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return Otlp == "on" || Endpoint is not null || EndpointVariables.Any(v => !string.IsNullOrWhiteSpace(environment(v)));
    }
}
