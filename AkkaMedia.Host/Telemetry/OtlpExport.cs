using AkkaMedia.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AkkaMedia.Host.Telemetry;

/// <summary>
/// The OTLP export of one host process: AkkaMedia's spans (<see cref="AkkaMediaTelemetry.ActivitySourceName"/>) and
/// metrics (every <see cref="AkkaMediaTelemetry.MeterNamePattern"/> meter and the runtime's <c>System.Runtime</c>) sent
/// to a collector, beside the Prometheus text that <c>/metrics</c> keeps serving from the same instruments. One per
/// process, whatever number of actor systems it runs. Disposing flushes what is pending (bounded by the exporter's
/// timeout) and stops; dispose after the actor systems have stopped, so their last spans go out.
/// </summary>
internal sealed class OtlpExport : IDisposable
{
    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    private OtlpExport(TracerProvider? traces, MeterProvider? metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    /// <summary>
    /// Starts exporting when <paramref name="settings"/> say so for this process's environment, and says where on
    /// <paramref name="log"/> (prefixed with <paramref name="command"/>); null when not exporting.
    /// </summary>
    public static OtlpExport? Start(TelemetrySettings settings, string command, TextWriter log) =>
        Start(settings, command, log, Environment.GetEnvironmentVariable);

    /// <summary><see cref="Start(TelemetrySettings, string, TextWriter)"/> with the environment given.</summary>
    internal static OtlpExport? Start(TelemetrySettings settings, string command, TextWriter log, Func<string, string?> environment)
    {
        if (!settings.IsEnabled(environment))
        {
            return null;
        }

        var serviceName = settings.ServiceName ?? (string.IsNullOrWhiteSpace(environment("OTEL_SERVICE_NAME")) ? "akkamedia-" + command : null);
        void Resource(ResourceBuilder resource)
        {
            if (serviceName is not null)
            {
                resource.AddService(serviceName, serviceVersion: typeof(OtlpExport).Assembly.GetName().Version?.ToString());
            }
        }

        var traces = settings.Traces
            ? Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(Resource)
                .AddSource(AkkaMediaTelemetry.ActivitySourceName)
                .AddOtlpExporter(options => Configure(options, settings, "v1/traces"))
                .Build()
            : null;
        var metrics = settings.Metrics
            ? Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(Resource)
                .AddMeter(AkkaMediaTelemetry.MeterNamePattern, "System.Runtime")
                .AddOtlpExporter((options, reader) =>
                {
                    Configure(options, settings, "v1/metrics");
                    if (settings.MetricsInterval is { } interval)
                    {
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Min(int.MaxValue, interval.TotalMilliseconds);
                    }
                })
                .Build()
            : null;
        var where = settings.Endpoint?.ToString() ?? environment("OTEL_EXPORTER_OTLP_ENDPOINT") ?? "the exporter's default endpoint";
        log.WriteLine($"{command}: exporting {(settings.Traces ? settings.Metrics ? "traces and metrics" : "traces" : "metrics")} over OTLP to {where}");
        return new OtlpExport(traces, metrics);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _traces?.Dispose();
        _metrics?.Dispose();
    }

    /// <summary>
    /// Applies the configured protocol and endpoint over what the exporter read from the environment. A configured
    /// endpoint is a base URL, like <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: over HTTP the signal's path is appended.
    /// </summary>
    private static void Configure(OtlpExporterOptions options, TelemetrySettings settings, string signalPath)
    {
        if (settings.Protocol is { } protocol)
        {
            options.Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        }

        if (settings.Endpoint is { } endpoint)
        {
            options.Endpoint = options.Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
                : endpoint;
        }
    }
}
