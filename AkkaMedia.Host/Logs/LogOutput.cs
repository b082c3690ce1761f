using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace AkkaMedia.Host.Logs;

/// <summary>
/// Where a host process's log lines go: a text writer (standard error by default), or for a while a diversion such
/// as a live progress display that must print them above itself instead of being overwritten. Lines are written
/// whole, one event at a time, and flushed.
/// </summary>
internal sealed class LogOutput(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _lock = new();
    private Action<string>? _divert;

    /// <summary>The writer the lines go to when they are not diverted.</summary>
    public TextWriter Writer { get; } = writer;

    /// <summary>Sends every line (without its line break) to <paramref name="divert"/> until the returned handle is disposed.</summary>
    public IDisposable Divert(Action<string> divert)
    {
        lock (_lock)
        {
            _divert = divert;
        }

        return new Restore(this, divert);
    }

    public void Emit(LogEvent logEvent)
    {
        var line = new StringWriter();
        formatter.Format(logEvent, line);
        var text = line.ToString();
        lock (_lock)
        {
            if (_divert is { } divert)
            {
                divert(text.TrimEnd('\r', '\n'));
                return;
            }

            Writer.Write(text);
            Writer.Flush();
        }
    }

    private sealed class Restore(LogOutput output, Action<string> divert) : IDisposable
    {
        public void Dispose()
        {
            lock (output._lock)
            {
                if (ReferenceEquals(output._divert, divert))
                {
                    output._divert = null;
                }
            }
        }
    }
}
