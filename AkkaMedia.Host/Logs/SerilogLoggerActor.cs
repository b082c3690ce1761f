using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Serilog.Events;
using AkkaLogEvent = Akka.Event.LogEvent;
using SerilogLogEvent = Serilog.Events.LogEvent;

namespace AkkaMedia.Host.Logs;

/// <summary>
/// The Akka logger of every host actor system (<c>akka.loggers</c>): writes each Akka log event that passed
/// <c>akka.loglevel</c> (changed at run time by <c>log level</c>) to the Serilog logger of the system's
/// <see cref="HostLogSetup"/>, with the event's own time, its message template and arguments as properties, and
/// the properties an adapter added with <c>WithContext</c> (the executor's <c>SessionId</c>). Akka filters by
/// level; the Serilog logger lets everything through.
/// </summary>
/// <remarks>
/// The logger comes from the actor system's setup rather than from Serilog's global <c>Log.Logger</c>, which is what
/// Akka.Logger.Serilog writes to: a process such as <c>demo</c> or a test run holds several nodes that must each
/// write to their own output.
/// </remarks>
internal sealed class SerilogLoggerActor : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The assembly-qualified name to put in <c>akka.loggers</c>.</summary>
    public static readonly string TypeName = $"{typeof(SerilogLoggerActor).FullName}, {typeof(SerilogLoggerActor).Assembly.GetName().Name}";

    public SerilogLoggerActor()
    {
        var setup = Context.System.Settings.Setup.Get<HostLogSetup>();
        var logger = setup.HasValue ? setup.Value.Logger : HostLog.Fallback;
        var filter = Context.System.Settings.LogFilter;
        Receive<AkkaLogEvent>(e =>
        {
            if (filter.ShouldTryKeepMessage(e, out _))
            {
                Write(logger, e);
            }
        });
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
    }

    private static void Write(Serilog.ILogger logger, AkkaLogEvent e)
    {
        // Named templates ("{NodeType}") become Serilog properties; positional ones ("{0}", Akka's own messages)
        // and plain messages are written as the text Akka renders, with no properties named 0, 1, ...
        var (template, args) = e.Message switch
        {
            LogMessage message when message.PropertyNames.Count > 0 && !int.TryParse(message.PropertyNames[0], out _) =>
                (message.Format, message.Parameters().ToArray()),
            var other => (Literal(other?.ToString() ?? string.Empty), []),
        };
        var log = logger
            .ForContext("LogSource", e.LogSource)
            .ForContext("SourceContext", e.LogClass?.FullName)
            .ForContext("Thread", e.Thread.ManagedThreadId);
        if (e.TryGetProperties(out var properties) && properties is not null)
        {
            foreach (var (name, value) in properties)
            {
                if (!int.TryParse(name, out _))
                {
                    log = log.ForContext(name, value);
                }
            }
        }

        if (log.BindMessageTemplate(template, args, out var parsed, out var bound))
        {
            var timestamp = new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp.ToUniversalTime(), DateTimeKind.Utc));
            log.Write(new SerilogLogEvent(timestamp, LevelOf(e.LogLevel()), e.Cause, parsed, bound));
        }
    }

    /// <summary><paramref name="text"/> as a Serilog template with no properties: its braces escaped.</summary>
    private static string Literal(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    private static LogEventLevel LevelOf(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => LogEventLevel.Debug,
        LogLevel.InfoLevel => LogEventLevel.Information,
        LogLevel.WarningLevel => LogEventLevel.Warning,
        _ => LogEventLevel.Error,
    };
}
