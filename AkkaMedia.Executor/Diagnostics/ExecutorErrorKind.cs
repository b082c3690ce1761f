namespace AkkaMedia.Executor.Diagnostics;

/// <summary>Values of the <c>kind</c> tag of the executor's <c>errors</c> counter; each failure counts under exactly one.</summary>
internal static class ExecutorErrorKind
{
    /// <summary>A built-in node failed its stream (the node threw or rejected a frame).</summary>
    public const string NodeFailure = "node_failure";

    /// <summary>User code threw: a shipped node failed its stream, or a call on a remote object threw.</summary>
    public const string UserCode = "user_code";

    /// <summary>A call on a remote object ran past its call timeout; the session was stopped.</summary>
    public const string CallTimeout = "call_timeout";

    /// <summary>Shipped code was refused by the sandbox policy.</summary>
    public const string SandboxViolation = "sandbox_violation";

    /// <summary>Shipped code could not be loaded or deserialized, or its load timed out.</summary>
    public const string CodeRejected = "code_rejected";

    /// <summary>A package offer or upload was refused (too large, no room, corrupt, stalled).</summary>
    public const string UploadRejected = "upload_rejected";

    /// <summary>A session was refused at admission: capacity, draining, unknown node type, bad settings, transport off.</summary>
    public const string Refused = "refused";

    /// <summary>A session's client went away mid-stream: its actor or link died, it went silent, or it never connected.</summary>
    public const string SessionLost = "session_lost";

    /// <summary>An operator killed a session.</summary>
    public const string Killed = "killed";

    /// <summary>A session still running when a draining executor's drain timeout elapsed was failed (or, while loading, refused).</summary>
    public const string DrainTimeout = "drain_timeout";

    /// <summary>A session's stream could not start.</summary>
    public const string StartFailed = "start_failed";

    /// <summary>Every kind, reported at 0 from the start so that rates and alerts have a series before the first failure.</summary>
    public static readonly string[] All =
    [
        NodeFailure, UserCode, CallTimeout, SandboxViolation, CodeRejected, UploadRejected, Refused, SessionLost, Killed, DrainTimeout, StartFailed,
    ];
}
