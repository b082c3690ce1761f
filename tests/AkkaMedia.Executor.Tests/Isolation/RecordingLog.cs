using Akka.Event;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>A logging adapter that keeps what it is told, for specs of what a launcher logs.</summary>
public sealed class RecordingLog() : LoggingAdapterBase(DefaultLogMessageFormatter.Instance)
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public override bool IsDebugEnabled => true;

    public override bool IsInfoEnabled => true;

    public override bool IsWarningEnabled => true;

    public override bool IsErrorEnabled => true;

    protected override void NotifyLog(LogLevel logLevel, object message, Exception? cause = null)
    {
        lock (_lines)
        {
            _lines.Add((logLevel, message.ToString() ?? string.Empty));
        }
    }
}
