using System.Diagnostics;
using System.ComponentModel;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// A W3C trace context as it travels in a request from a client to an executor: the <c>traceparent</c> header value
/// (<c>00-{trace id}-{span id}-{flags}</c>) and the optional <c>tracestate</c>. <see cref="None"/> (both null) when the
/// request is not part of a trace; such a request keeps the wire layout it had before trace contexts existed.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct TraceContext(string? Parent, string? State)
{
    /// <summary>No trace.</summary>
    public static readonly TraceContext None = default;

    /// <summary>
    /// The context to send for <paramref name="span"/>, or for <paramref name="caller"/> when AkkaMedia's own span was
    /// not created (nobody listens to <see cref="AkkaMediaTelemetry.ActivitySourceName"/>) but the caller was in a
    /// trace: the executor's spans then still join the caller's trace. <see cref="None"/> when neither.
    /// </summary>
    public static TraceContext Of(Activity? span, in ActivityContext caller)
    {
        if (span is { IdFormat: ActivityIdFormat.W3C })
        {
            return new TraceContext(span.Id, span.TraceStateString);
        }

        if (caller.TraceId == default)
        {
            return None;
        }

        var flags = (caller.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        return new TraceContext($"00-{caller.TraceId.ToHexString()}-{caller.SpanId.ToHexString()}-{flags}", caller.TraceState);
    }

    /// <summary>The remote parent this context names; default when there is none or it does not parse.</summary>
    public ActivityContext ToParent() =>
        Parent is not null && ActivityContext.TryParse(Parent, State, isRemote: true, out var parent) ? parent : default;
}
