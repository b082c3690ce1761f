using System.Diagnostics.Metrics;
using Prometheus;

namespace AkkaMedia.Host.Http;

/// <summary>
/// The Prometheus registry one HTTP server exports at <c>/metrics</c>: every instrument of a
/// <see cref="System.Diagnostics.Metrics.Meter"/> whose name starts with <see cref="MeterPrefix"/> (through prometheus-net's
/// meter adapter) plus prometheus-net's process metrics. A registry of its own, not prometheus-net's global one, so
/// several nodes in one process (tests, the demo) each export without clashing. Disposing stops listening to meters.
/// </summary>
internal sealed class MetricsExport : IDisposable
{
    /// <summary>Meters whose name starts with this (ordinal, case-sensitive) are exported.</summary>
    public const string MeterPrefix = "AkkaMedia";

    private readonly IDisposable _meters;

    static MetricsExport()
    {
        // prometheus-net's global registry would otherwise listen to every meter and event counter of the process as
        // soon as it is touched; nothing exports it, so it would only cost.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressMeters = true,
            SuppressEventCounters = true,
            SuppressProcessMetrics = true,
            SuppressDebugMetrics = true,
        });
    }

    public MetricsExport()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        _meters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            // The options' factory defaults to the global registry's and wins over Registry: name ours explicitly.
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            InstrumentFilterPredicate = Exported,
        });
    }

    /// <summary>What <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>True for the instruments this export publishes.</summary>
    public static bool Exported(Instrument instrument) => instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal);

    /// <inheritdoc />
    public void Dispose() => _meters.Dispose();
}
