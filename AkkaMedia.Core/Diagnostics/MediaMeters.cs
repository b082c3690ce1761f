namespace AkkaMedia.Diagnostics;

/// <summary>
/// Names of the <see cref="System.Diagnostics.Metrics.Meter"/>s AkkaMedia reports through, for a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>, <c>dotnet-counters</c> or an exporter.
/// </summary>
/// <remarks>
/// <para>Every actor system has meters of its own: an executor node creates one
/// <see cref="Executor"/> meter, a client system one <see cref="Remote"/> meter, on first use. The meter's
/// <see cref="System.Diagnostics.Metrics.Meter.Scope"/> is that <see cref="Akka.Actor.ActorSystem"/>, so two
/// systems in one process (a demo running executor and client together, or tests) stay apart for a listener
/// that looks at the scope; an exporter that keys by name only adds them up. The meters are disposed when their
/// system terminates.</para>
/// <para>Instrument names are relative to their meter (<c>frames.received</c> in <see cref="Executor"/> is
/// <c>akkamedia.executor.frames.received</c> in full); prometheus-net's meter adapter publishes it as
/// <c>akkamedia_executor_frames_received</c>. docs/operations.md lists every instrument.</para>
/// </remarks>
public static class MediaMeters
{
    /// <summary>The executor's meter: sessions, frames and bytes per node type, errors, the package cache and deploys.</summary>
    public const string Executor = "AkkaMedia.Executor";

    /// <summary>The client's meter: frames and bytes through remote stages and their round-trip time.</summary>
    public const string Remote = "AkkaMedia.Remote";
}
