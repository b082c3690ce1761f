using Akka.Hosting;
using AkkaMedia.Executor;
using AkkaMedia.Nodes;
using AkkaMedia.Security;

namespace AkkaMedia.Hosting;

/// <summary>
/// Registers AkkaMedia with Akka.Hosting:
/// <code>
/// builder.Services.AddAkka("media", akka => akka.WithAkkaMediaClient(new AkkaMediaClientOptions { Seeds = ["10.0.0.5:4053"] }));
/// </code>
/// then inject <c>ActorSystem</c> and run pipelines with <c>RemoteNode.Flow</c> on it. The actor system name given to
/// <c>AddAkka</c> must be the cluster's (<c>media</c> unless every member says otherwise).
/// </summary>
/// <remarks>
/// Traces and metrics need no option here: subscribe to AkkaMedia's names with OpenTelemetry.Extensions.Hosting,
/// <code>
/// builder.Services.AddOpenTelemetry()
///     .WithTracing(t => t.AddSource(AkkaMediaTelemetry.ActivitySourceName).AddOtlpExporter())
///     .WithMetrics(m => m.AddMeter(AkkaMediaTelemetry.MeterNamePattern).AddOtlpExporter());
/// </code>
/// (<c>AkkaMedia.Diagnostics.AkkaMediaTelemetry</c>; docs/telemetry.md lists the spans). A pipeline materialized inside
/// a request's trace opens its remote sessions in that trace, and executors that export join it.
/// </remarks>
public static class AkkaMediaHostingExtensions
{
    /// <summary>
    /// Makes this actor system an AkkaMedia cluster client: AkkaMedia's serializers and defaults, the cluster provider,
    /// the client role, and what <paramref name="options"/> sets (over your other HOCON). With
    /// <see cref="AkkaMediaClientOptions.ContactPoints"/>, joins the cluster they report once the system has started.
    /// </summary>
    /// <exception cref="ArgumentException">An option is not valid (a bad seed, a port out of range); the message says which.</exception>
    public static AkkaConfigurationBuilder WithAkkaMediaClient(this AkkaConfigurationBuilder builder, AkkaMediaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder
            .AddHocon(options.ToHocon(), HoconAddMode.Prepend)
            .AddHocon(AkkaMediaConfig.Default, HoconAddMode.Append);
        AddTls(builder, options);
        if (options.ContactPoints.Count > 0)
        {
            var contactPoints = options.ContactPoints.ToList();
            builder.AddStartup((system, _) => ContactPointJoin.Start(system, contactPoints));
        }

        return builder;
    }

    /// <summary>
    /// Makes this actor system an AkkaMedia executor node serving the node types of <paramref name="nodes"/> (the
    /// built-in ones by default): as <see cref="WithAkkaMediaClient"/>, with the executor role and settings, and the
    /// executor actor started with the system and registered under <see cref="MediaExecutorKey"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is not valid; the message says which.</exception>
    public static AkkaConfigurationBuilder WithAkkaMediaExecutor(this AkkaConfigurationBuilder builder, AkkaMediaExecutorOptions options, NodeRegistry? nodes = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var registry = nodes ?? BuiltInNodes.CreateRegistry();
        AddTls(builder, options);
        return builder
            .AddHocon(options.ToHocon(), HoconAddMode.Prepend)
            .AddHocon(ExecutorSettings.DefaultConfig, HoconAddMode.Append)
            .AddHocon(AkkaMediaConfig.Default, HoconAddMode.Append)
            .WithActors((system, actors) => actors.Register<MediaExecutorKey>(MediaExecutor.Start(system, registry)));
    }

    /// <summary>
    /// Turns TLS on for remoting when the options name a certificate (the media link and the rest read
    /// <c>akka-media.tls</c> themselves). The files are read now, so a wrong path fails at configuration time.
    /// </summary>
    private static void AddTls(AkkaConfigurationBuilder builder, AkkaMediaNodeOptions options)
    {
        if (options.TlsCertificate is null)
        {
            return;
        }

        var tls = TlsSettings.Create(options.ToHocon());
        builder.AddHocon(TlsSettings.RemotingConfig, HoconAddMode.Prepend).AddSetup(tls.RemotingSetup());
    }
}
