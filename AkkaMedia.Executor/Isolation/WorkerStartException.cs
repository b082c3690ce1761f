namespace AkkaMedia.Executor.Isolation;

/// <summary>A worker process could not be started or did not become ready; the message says why and what to check.</summary>
internal sealed class WorkerStartException : Exception
{
    public WorkerStartException(string message)
        : base(message)
    {
    }

    public WorkerStartException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
