namespace AkkaMedia.Diagnostics;

/// <summary>
/// The names to subscribe to for AkkaMedia's traces and metrics: one <see cref="System.Diagnostics.ActivitySource"/>
/// (<see cref="ActivitySourceName"/>) and a few <see cref="System.Diagnostics.Metrics.Meter"/>s, for an
/// OpenTelemetry SDK (<c>AddSource</c>, <c>AddMeter</c>), an <see cref="System.Diagnostics.ActivityListener"/>,
/// a <see cref="System.Diagnostics.Metrics.MeterListener"/> or <c>dotnet-counters</c>.
/// </summary>
/// <remarks>
/// <para>The libraries depend on no telemetry SDK: they record through <c>System.Diagnostics</c> only, and cost next
/// to nothing while nobody listens (no span object is created, nothing is allocated; never a span per frame).
/// docs/telemetry.md lists every span with its attributes, and how the W3C trace context travels from a client to
/// the executor that runs its session, so that both ends' spans share one trace.</para>
/// <para>Every actor system has meters of its own: an executor node creates one <see cref="ExecutorMeterName"/>
/// meter, a client system one <see cref="RemoteMeterName"/> meter, on first use. The meter's
/// <see cref="System.Diagnostics.Metrics.Meter.Scope"/> is that <see cref="Akka.Actor.ActorSystem"/>, so two systems
/// in one process (a demo running executor and client together, or tests) stay apart for a listener that looks at
/// the scope; an exporter that keys by name only adds them up. The meters are disposed when their system terminates.</para>
/// <para>Instrument names are relative to their meter (<c>frames.received</c> in <see cref="ExecutorMeterName"/> is
/// <c>akkamedia.executor.frames.received</c> in full); prometheus-net's meter adapter publishes it as
/// <c>akkamedia_executor_frames_received</c>. docs/operations.md lists every instrument.</para>
/// </remarks>
public static class AkkaMediaTelemetry
{
    /// <summary>
    /// The activity source of every AkkaMedia span: opening a remote stage's session and placing it on an executor,
    /// deploying shipped code (remote objects, shipped nodes), the executor's side of both, and voice turns.
    /// </summary>
    public const string ActivitySourceName = "AkkaMedia";

    /// <summary>The executor's meter: sessions, frames and bytes per node type, errors, the package cache and deploys.</summary>
    public const string ExecutorMeterName = "AkkaMedia.Executor";

    /// <summary>The client's meter: frames and bytes through remote stages and their round-trip time.</summary>
    public const string RemoteMeterName = "AkkaMedia.Remote";

    /// <summary>The speech nodes' meter: the latency of each voice-loop turn.</summary>
    public const string SpeechMeterName = "AkkaMedia.Speech";

    /// <summary>
    /// Every AkkaMedia meter (those above and the host's <c>AkkaMedia.Edge</c>), as a wildcard that OpenTelemetry's
    /// <c>AddMeter</c> accepts.
    /// </summary>
    public const string MeterNamePattern = "AkkaMedia.*";
}
