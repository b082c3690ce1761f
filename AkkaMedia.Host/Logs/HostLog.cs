using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace AkkaMedia.Host.Logs;

/// <summary>
/// The log of one host command: a Serilog logger in the chosen <see cref="LogFormat"/> writing to a text writer
/// (the command's standard error), and the actor systems created through <see cref="CreateSystem"/> log into it.
/// Akka decides what is logged (<c>akka.loglevel</c>, changed at run time with <c>akkamedia cmd log level</c>);
/// this logger writes every event it is given. Disposing flushes it; dispose after the systems have terminated.
/// </summary>
internal sealed class HostLog : IDisposable
{
    /// <summary>The property the executor puts on every log event of a session.</summary>
    public const string SessionIdProperty = "SessionId";

    /// <summary>The HOCON key that chooses the format when <c>--log-format</c> is not given.</summary>
    public const string FormatPath = "akka-media.log.format";

    private static readonly Lazy<Serilog.ILogger> LazyFallback = new(() => CreateLogger(new LogOutput(Console.Error, new TextLogFormatter())));

    private readonly Logger _logger;

    private HostLog(LogOutput output)
    {
        Output = output;
        _logger = CreateLogger(output);
    }

    /// <summary>Where the lines go; a progress display diverts them while it is live.</summary>
    public LogOutput Output { get; }

    /// <summary>The Serilog logger the host's actor systems write to.</summary>
    public Serilog.ILogger Logger => _logger;

    /// <summary>The logger of an actor system created without a <see cref="HostLogSetup"/>: text on standard error.</summary>
    internal static Serilog.ILogger Fallback => LazyFallback.Value;

    /// <summary>A log writing <paramref name="format"/> lines to <paramref name="writer"/>, which the caller keeps owning.</summary>
    public static HostLog Create(LogFormat format, TextWriter writer) =>
        new(new LogOutput(writer, FormatterOf(format)));

    /// <summary>
    /// The format to use: <paramref name="flag"/> when given, else <c>akka-media.log.format</c> of
    /// <paramref name="config"/>, else text.
    /// </summary>
    /// <exception cref="ArgumentException">The configured format is neither <c>text</c> nor <c>json</c>; the message says so.</exception>
    public static LogFormat FormatOf(LogFormat? flag, Config config)
    {
        if (flag is { } given)
        {
            return given;
        }

        var configured = config.GetString(FormatPath, "text");
        return configured.ToLowerInvariant() switch
        {
            "text" => LogFormat.Text,
            "json" => LogFormat.Json,
            _ => throw new ArgumentException($"{FormatPath} = \"{configured}\" is not a log format; use text or json (or --log-format text|json).", nameof(config)),
        };
    }

    /// <summary>
    /// Creates an actor system named <paramref name="name"/> on <paramref name="config"/> (AkkaMedia's defaults as
    /// fallback) whose log events, and Akka's own startup and shutdown messages, go to this log and standard error,
    /// never to standard output; with <c>akka-media.tls</c> on, its remoting speaks mutual TLS (<see cref="MediaActorSystem.CreateSetup"/>).
    /// The caller owns the system.
    /// </summary>
    public ActorSystem CreateSystem(string name, Config config)
    {
        var logging = ConfigurationFactory.ParseString($"""
            akka.loggers = ["{SerilogLoggerActor.TypeName}"]
            akka.stdout-logger-class = "{StandardErrorLogger.TypeName}"
            """);
        var full = logging.WithFallback(AkkaMediaConfig.WithDefaults(config));
        StandardErrorLogger.SetThreshold(full.GetString("akka.stdout-loglevel", "WARNING"));
        return ActorSystem.Create(name, MediaActorSystem.CreateSetup(full).And(new HostLogSetup(Logger)));
    }

    public void Dispose() => _logger.Dispose();

    private static ITextFormatter FormatterOf(LogFormat format) => format switch
    {
        LogFormat.Json => new RenderedCompactJsonFormatter(),
        _ => new TextLogFormatter(),
    };

    private static Logger CreateLogger(LogOutput output) =>
        new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Sink(output)
            .CreateLogger();
}
