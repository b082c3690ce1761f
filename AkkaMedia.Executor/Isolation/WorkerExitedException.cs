namespace AkkaMedia.Executor.Isolation;

/// <summary>A session's worker process ended under it; the message is the worker's exit, naming the limit it hit if any.</summary>
internal sealed class WorkerExitedException(string message, Exception inner) : Exception(message, inner);
