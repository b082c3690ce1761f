using Akka.Event;

namespace AkkaMedia.Host.Logs;

/// <summary>
/// Akka's minimal logger of a host system (<c>akka.stdout-logger-class</c>), used before the configured loggers start
/// and after they stop: writes to standard error, so that standard output carries only what the commands print
/// (<c>READY</c>, <c>ADMIN</c>, progress, summaries).
/// </summary>
internal sealed class StandardErrorLogger : MinimalLogger
{
    /// <summary>The assembly-qualified name to put in <c>akka.stdout-logger-class</c>.</summary>
    public static readonly string TypeName = $"{typeof(StandardErrorLogger).FullName}, {typeof(StandardErrorLogger).Assembly.GetName().Name}";

    /// <inheritdoc />
    protected override void Log(object message) => Console.Error.WriteLine(message);
}
