namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// How a worker process ended: its exit code, the limit that ended it when one did, and a sentence for the client
/// (the session's failure) and the log that names the limit and its setting.
/// </summary>
/// <param name="ExitCode">The process's exit code (128 + signal for a signal, as a shell reports it).</param>
/// <param name="Reason">Why the executor or the kernel ended it; null when it ended by itself.</param>
/// <param name="Message">What happened, naming the limit and its configuration key when one was hit.</param>
internal sealed record WorkerExit(int ExitCode, WorkerKillReason? Reason, string Message);
