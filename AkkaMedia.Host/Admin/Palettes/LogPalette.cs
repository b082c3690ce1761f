using System.Globalization;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Host.Logs;

namespace AkkaMedia.Host.Admin.Palettes;

/// <summary>The <c>log</c> palette: this node's log level, and a tail of its log events.</summary>
internal static class LogPalette
{
    private static readonly Dictionary<string, LogLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["debug"] = LogLevel.DebugLevel,
        ["info"] = LogLevel.InfoLevel,
        ["warning"] = LogLevel.WarningLevel,
        ["error"] = LogLevel.ErrorLevel,
    };

    public static Task RunAsync(AdminCommandInfo command, AdminContext context) => command.Name switch
    {
        "level" => LevelAsync(context, command),
        "tail" => TailAsync(context),
        _ => throw new AdminCommandException($"Unknown log command '{command.Name}'."),
    };

    private static Task LevelAsync(AdminContext context, AdminCommandInfo command)
    {
        var bus = context.System.EventStream;
        if (context.Args.Count == 0)
        {
            return context.WriteAsync($"log level {Name(bus.LogLevel)}");
        }

        if (context.Args.Count > 1 || !Levels.TryGetValue(context.Args[0], out var level))
        {
            throw new AdminCommandException($"Unknown log level '{string.Join(' ', context.Args)}'. Valid levels: {string.Join(", ", Levels.Keys)}. Usage: {command.Usage}");
        }

        var before = bus.LogLevel;
        bus.SetLogLevel(level);
        return context.WriteAsync($"log level {Name(before)} -> {Name(level)}");
    }

    private static string Name(LogLevel level) => Levels.First(l => l.Value == level).Key;

    private static async Task TailAsync(AdminContext context)
    {
        var lines = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest });
        var tail = context.System.ActorOf(Props.Create(() => new LogTailActor(lines.Writer)));
        context.System.EventStream.Subscribe(tail, typeof(LogEvent));
        try
        {
            await context.WriteAsync($"log events at level {Name(context.System.EventStream.LogLevel)} and above (change with: log level <level>); Ctrl-C to stop").ConfigureAwait(false);
            await foreach (var line in lines.Reader.ReadAllAsync(context.Cancellation).ConfigureAwait(false))
            {
                await context.WriteAsync(line).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            // The client went away: the normal end of a tail.
        }
        finally
        {
            context.System.EventStream.Unsubscribe(tail);
            context.System.Stop(tail);
        }
    }

    /// <summary>Turns each log event into a line for a tail, with the session it concerns when it carries one.</summary>
    private sealed class LogTailActor : ReceiveActor
    {
        public LogTailActor(ChannelWriter<string> lines) => Receive<LogEvent>(e => lines.TryWrite(
            $"{e.Timestamp.ToUniversalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {Name(e.LogLevel()).ToUpperInvariant()}{Session(e)} {e.LogSource}: {e.Message}"
            + (e.Cause is null ? string.Empty : $" ({e.Cause.GetType().Name}: {e.Cause.Message})")));

        private static string Session(LogEvent e) =>
            e.TryGetProperties(out var properties) && properties is not null && properties.TryGetValue(HostLog.SessionIdProperty, out var id)
                ? $" [session {id}]"
                : string.Empty;
    }
}
