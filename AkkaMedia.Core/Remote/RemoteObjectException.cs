namespace AkkaMedia.Remote;

/// <summary>
/// A remote object could not be deployed, or its session is gone: no executor answered or every one
/// refused, the executor's sandbox rejected the code, the object could not be loaded or deserialized
/// there, a call could not be made, or the session ended (disposed, timed out, executor died).
/// </summary>
/// <remarks>An exception thrown by the user's own code inside a call is a <see cref="RemoteExecutionException"/> instead.</remarks>
public sealed class RemoteObjectException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened and what to do about it.</param>
    /// <param name="executorAddress">Address of the executor involved, when one was.</param>
    /// <param name="inner">The underlying error, when there is one.</param>
    public RemoteObjectException(string message, string? executorAddress = null, Exception? inner = null)
        : base(message, inner)
    {
        ExecutorAddress = executorAddress;
    }

    /// <summary>Address of the executor involved (<c>akka.tcp://media@host:port</c>), or null when none was reached.</summary>
    public string? ExecutorAddress { get; }
}
