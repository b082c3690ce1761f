using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Sandbox;

namespace AkkaMedia.Executor.Diagnostics;

/// <summary>
/// One accepted session as the executor's metrics see it: its tags, its frame counters (null for an object
/// session) and whether it has ended. Created by <see cref="ExecutorMetrics.SessionStarted"/>.
/// </summary>
internal sealed class SessionMetrics(ExecutorMetrics metrics, string kind, string nodeType, StreamCounters? counters)
{
    private int _ended;

    public string Kind { get; } = kind;

    public string NodeType { get; } = nodeType;

    /// <summary>Frames and bytes in and out of the session's node; null for an object session.</summary>
    public StreamCounters? Counters { get; } = counters;

    /// <summary>True for shipped code (a shipped node or a remote object): its stream failures count as user code.</summary>
    public bool IsShipped => Kind != SessionKind.Node;

    /// <summary>Counts one failure of <paramref name="errorKind"/>.</summary>
    public void Error(string errorKind) => metrics.Error(errorKind);

    /// <summary>The session's shipped code loaded: a deploy with outcome <c>loaded</c>.</summary>
    public void CodeLoaded() => metrics.Deployed(Kind, "loaded");

    /// <summary>
    /// The session's shipped code was refused: a deploy with outcome <c>rejected</c> (the code itself: sandbox, load or
    /// deserialization error) or <c>failed</c> (anything else, such as a load timeout), an error of kind
    /// <c>sandbox_violation</c> or <c>code_rejected</c>, and a refusal with reason <c>code_rejected</c>.
    /// </summary>
    public void CodeRefused(Exception? cause)
    {
        metrics.Deployed(Kind, cause is CodeRejectedException ? "rejected" : "failed");
        metrics.Error(cause is CodeRejectedException { IsSandboxViolation: true } ? ExecutorErrorKind.SandboxViolation : ExecutorErrorKind.CodeRejected);
        metrics.Refused(Protocol.RefusalReason.CodeRejected);
    }

    /// <summary>True the first time only.</summary>
    internal bool End() => Interlocked.Exchange(ref _ended, 1) == 0;
}
