namespace AkkaMedia.Remote;

/// <summary>
/// A remote stage could not start or stopped abnormally: no executor answered, every executor refused,
/// the executor refused the node or its settings, the executor went silent or died, or its node failed.
/// </summary>
public sealed class RemoteStageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened and what to do about it.</param>
    /// <param name="executorAddress">Address of the executor involved, when one was.</param>
    /// <param name="inner">The underlying error, when there is one.</param>
    public RemoteStageException(string message, string? executorAddress = null, Exception? inner = null)
        : base(message, inner)
    {
        ExecutorAddress = executorAddress;
    }

    /// <summary>Address of the executor involved (<c>akka.tcp://media@host:port</c>), or null when none was reached.</summary>
    public string? ExecutorAddress { get; }
}
