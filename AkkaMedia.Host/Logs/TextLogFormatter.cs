using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace AkkaMedia.Host.Logs;

/// <summary>
/// The readable log format: one line per event,
/// <c>2026-01-31T12:00:00.123Z INF [session 5f0c…] akka.tcp://media@host:port/user/…: message (ExceptionType: reason)</c>.
/// The time is UTC; the session part appears only on events that carry a <c>SessionId</c> property; an exception
/// is summarized on the same line (its stack trace is in the JSON format).
/// </summary>
internal sealed class TextLogFormatter : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        output.Write(' ');
        output.Write(Abbreviation(logEvent.Level));
        if (logEvent.Properties.TryGetValue(HostLog.SessionIdProperty, out var session))
        {
            output.Write(" [session ");
            output.Write(Plain(session));
            output.Write(']');
        }

        if (logEvent.Properties.TryGetValue("LogSource", out var source))
        {
            output.Write(' ');
            output.Write(Plain(source));
            output.Write(':');
        }

        output.Write(' ');
        output.Write(OneLine(Render(logEvent)));
        if (logEvent.Exception is { } exception)
        {
            output.Write($" ({exception.GetType().Name}: {OneLine(exception.Message)})");
        }

        output.Write('\n');
    }

    /// <summary>The message with string properties as they are, without the quotes Serilog's rendering adds.</summary>
    private static string Render(LogEvent logEvent)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value) && value is ScalarValue { Value: string plain })
            {
                text.Write(plain);
            }
            else
            {
                token.Render(logEvent.Properties, text, CultureInfo.InvariantCulture);
            }
        }

        return text.ToString();
    }

    private static string Abbreviation(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };

    /// <summary>A property's value without the quotes Serilog puts around strings.</summary>
    private static string Plain(LogEventPropertyValue value) =>
        value is ScalarValue { Value: string text } ? text : value.ToString();

    private static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) ? text.ReplaceLineEndings(" ") : text;
}
