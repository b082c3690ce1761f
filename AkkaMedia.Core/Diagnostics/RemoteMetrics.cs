using System.Diagnostics.Metrics;
using Akka.Actor;

using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// The client's instruments (meter <see cref="AkkaMediaTelemetry.RemoteMeterName"/>, one per actor system, scoped to it): frames
/// and payload bytes through remote stages, tagged <c>node_type</c>, and the round-trip time of frames through them.
/// Frame and byte totals are observable counters fed by per-stage <see cref="StreamCounters"/>; the round trip is a
/// histogram that each stage records for its first frame back and then one frame in <see cref="RoundTripSampling"/>:
/// a measurement delivered to an exporter costs microseconds (prometheus-net's adapter), too much for every frame of
/// hundreds of streams, while one in 16 still gives several samples per second per 50 fps stream.
/// An Akka extension; the meter is disposed with the system.
/// </summary>
internal sealed class RemoteMetrics : IExtension
{
    /// <summary>
    /// Bucket boundaries advised for <c>round_trip</c>, in milliseconds: 0.1 ms to 1 s, dense below 100 ms. Milliseconds
    /// rather than seconds because exporters that ignore the advice (prometheus-net's meter adapter, whose default buckets
    /// start at 0.01 and double) then still resolve sub-millisecond round trips.
    /// </summary>
    internal static IReadOnlyList<double> RoundTripBuckets => LinkRoundTripHistogram.Buckets;

    /// <summary>A stage records the round trip of one received frame in this many (a power of two), starting with the first.</summary>
    public const int RoundTripSampling = 16;

    private readonly StreamCounterSet _streams = new("node_type");
    private readonly Histogram<double> _resumeTime;

    public RemoteMetrics(ActorSystem system)
    {
        Meter = new Meter(new MeterOptions(AkkaMediaTelemetry.RemoteMeterName) { Version = typeof(RemoteMetrics).Assembly.GetName().Version?.ToString(), Scope = system });
        Meter.CreateObservableCounter("frames.sent", () => _streams.Observe(StreamCounter.FramesIn), "{frame}",
            "Frames remote stages sent to their executors.");
        Meter.CreateObservableCounter("frames.received", () => _streams.Observe(StreamCounter.FramesOut), "{frame}",
            "Frames remote stages received from their executors.");
        Meter.CreateObservableCounter("bytes.sent", () => _streams.Observe(StreamCounter.BytesIn), "By",
            "Media payload bytes remote stages sent (4 per audio sample, the data of video and bytes frames, UTF-8 text).");
        Meter.CreateObservableCounter("bytes.received", () => _streams.Observe(StreamCounter.BytesOut), "By",
            "Media payload bytes remote stages received.");
        RoundTrip = Meter.CreateHistogram(
            "round_trip",
            "ms",
            "Time from sending a frame to a remote stage to receiving its next output frame (frames paired first in, first out; exact for one-in-one-out nodes); one frame in 16 per stage.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RoundTripBuckets });
        LinkRoundTrip = LinkRoundTripHistogram.Create(Meter, "to executors");
        _resumeTime = Meter.CreateHistogram(
            "failover.resume_time",
            "ms",
            "Time from a remote stage with failover losing its executor to its session answering on another one, tagged node_type.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RoundTripBuckets });
        system.RegisterOnTermination(Meter.Dispose);
    }

    /// <summary>This system's meter, whose <see cref="Meter.Scope"/> is the system.</summary>
    public Meter Meter { get; }

    /// <summary>Round trips in milliseconds, tagged <c>node_type</c>.</summary>
    public Histogram<double> RoundTrip { get; }

    /// <summary>Media link probe round trips, in milliseconds.</summary>
    public Histogram<double> LinkRoundTrip { get; }

    public static RemoteMetrics Get(ActorSystem system) => system.WithExtension<RemoteMetrics, Provider>();

    /// <summary>Counters for a stage of <paramref name="nodeType"/>; in = sent to the executor, out = received. Detach when the stage stops.</summary>
    public StreamCounters Attach(string nodeType) => _streams.Attach(nodeType);

    public void Detach(StreamCounters counters) => _streams.Detach(counters);

    /// <summary>A stage with failover resumed <paramref name="elapsed"/> after losing its executor.</summary>
    public void Resumed(TimeSpan elapsed, KeyValuePair<string, object?> nodeType) => _resumeTime.Record(elapsed.TotalMilliseconds, nodeType);

    private sealed class Provider : ExtensionIdProvider<RemoteMetrics>
    {
        public override RemoteMetrics CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
