using System.Diagnostics.Metrics;
using Prometheus;

namespace AkkaMedia.Host.Http;

/// <summary>
/// The Prometheus registry an HTTP server exports at <c>/metrics</c>: every instrument of a
/// <see cref="System.Diagnostics.Metrics.Meter"/> whose name starts with <see cref="MeterPrefix"/> (through prometheus-net's
/// meter adapter) plus prometheus-net's process metrics.
/// </summary>
/// <remarks>
/// prometheus-net 8.2.1's meter adapter writes what it measures into prometheus-net's default registry whatever
/// <see cref="MeterAdapterOptions.Registry"/> says (a registry of its own per server exported no AkkaMedia series at
/// all). So the process has one adapter, started by the first export and kept for the life of the process, writing into
/// the default registry, and every server exports that registry: the meters are per process anyway. prometheus-net's own
/// default adapters (every meter and event counter of the process) are switched off first, or counters would be counted
/// twice into the same series.
/// </remarks>
internal sealed class MetricsExport : IDisposable
{
    /// <summary>Meters whose name starts with this (ordinal, case-sensitive) are exported.</summary>
    public const string MeterPrefix = "AkkaMedia";

    private static readonly Lazy<IDisposable> Adapter = new(StartAdapter, LazyThreadSafetyMode.ExecutionAndPublication);

    public MetricsExport()
    {
        _ = Adapter.Value;
        Registry = Metrics.DefaultRegistry;
    }

    /// <summary>What <c>/metrics</c> serves: the process's default registry.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>True for the instruments this export publishes.</summary>
    public static bool Exported(Instrument instrument) => instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal);

    /// <summary>Nothing to release: the adapter serves every export of the process until it exits.</summary>
    public void Dispose()
    {
    }

    private static IDisposable StartAdapter()
    {
        try
        {
            Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true, SuppressDebugMetrics = true });
        }
        catch (InvalidOperationException)
        {
            // The default registry was used before (by the embedding application): its defaults stay as they are.
        }

        return MeterAdapter.StartListening(new MeterAdapterOptions { InstrumentFilterPredicate = Exported });
    }
}
