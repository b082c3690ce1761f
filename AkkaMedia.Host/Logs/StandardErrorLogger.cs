using Akka.Event;

namespace AkkaMedia.Host.Logs;

/// <summary>
/// Akka's minimal logger of a host system (<c>akka.stdout-logger-class</c>), used before the configured loggers start
/// and after they stop: writes to standard error, so that standard output carries only what the commands print
/// (<c>READY</c>, <c>ADMIN</c>, progress, summaries). It writes only events at or above <c>akka.stdout-loglevel</c>
/// (<see cref="SetThreshold"/>), whatever the event bus hands it: while an actor system stops, Akka subscribes its minimal
/// logger at the bus's own level, and a client (<c>stdout-loglevel = OFF</c>) would print the errors of its last moments
/// raw after its one-line error.
/// </summary>
internal sealed class StandardErrorLogger : MinimalLogger
{
    /// <summary>The assembly-qualified name to put in <c>akka.stdout-logger-class</c>.</summary>
    public static readonly string TypeName = $"{typeof(StandardErrorLogger).FullName}, {typeof(StandardErrorLogger).Assembly.GetName().Name}";

    private static int _threshold = (int)LogLevel.WarningLevel;

    /// <summary>The lowest level written, from <c>akka.stdout-loglevel</c> of the host's system (set as it is created); OFF writes no event.</summary>
    public static void SetThreshold(string stdoutLogLevel) => Volatile.Write(ref _threshold, stdoutLogLevel.ToUpperInvariant() switch
    {
        "OFF" => int.MaxValue,
        "DEBUG" => (int)LogLevel.DebugLevel,
        "INFO" => (int)LogLevel.InfoLevel,
        "ERROR" => (int)LogLevel.ErrorLevel,
        _ => (int)LogLevel.WarningLevel,
    });

    /// <inheritdoc />
    protected override void Log(object message)
    {
        if (message is LogEvent e && (int)e.LogLevel() < Volatile.Read(ref _threshold))
        {
            return;
        }

        Console.Error.WriteLine(message);
    }
}
