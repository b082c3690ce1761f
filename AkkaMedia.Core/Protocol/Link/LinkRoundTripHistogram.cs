using System.ComponentModel;
using System.Diagnostics.Metrics;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// The <c>link.round_trip</c> instrument: the same histogram on the client's meter and on the executor's, so both ends
/// of a media link report its probe round trips alike. For the SDK's own meters.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LinkRoundTripHistogram
{
    /// <summary>Bucket boundaries of the SDK's round-trip histograms, in milliseconds: sub-millisecond to one second.</summary>
    public static IReadOnlyList<double> Buckets { get; } = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 250, 500, 1000];

    /// <summary>
    /// Creates the histogram on <paramref name="meter"/>, in milliseconds with <see cref="Buckets"/>; <paramref name="peers"/>
    /// says whose links it times (<c>to executors</c>, <c>from clients</c>).
    /// </summary>
    public static Histogram<double> Create(Meter meter, string peers)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.CreateHistogram(
            "link.round_trip",
            "ms",
            $"Round trip of the media links {peers}: a probe every heartbeat interval per link, from queueing it to reading its answer (send queue, network and both receive loops; no node work).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }
}
