namespace AkkaMedia.Remote;

/// <summary>
/// User code running on an executor threw: the exception of a remote object's method (or of its
/// deserialization at deploy). Carries the remote exception's type, message and stack trace as text,
/// because the exception object itself belongs to the executor's process and may not exist here.
/// </summary>
/// <remarks>A remote object survives a call that throws: later calls run on the same object, with whatever state the failed call left.</remarks>
public sealed class RemoteExecutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="remoteType">Full name of the exception type thrown remotely, such as <c>System.InvalidOperationException</c>.</param>
    /// <param name="remoteMessage">Its message.</param>
    /// <param name="remoteStackTrace">Its stack trace on the executor (may be empty).</param>
    /// <param name="method">The method that was called remotely, as <c>Type.Method</c>; used in <see cref="Exception.Message"/>.</param>
    /// <param name="executorAddress">Address of the executor the code ran on, when known.</param>
    public RemoteExecutionException(string remoteType, string remoteMessage, string remoteStackTrace, string method, string? executorAddress = null)
        : base($"{method} threw {remoteType} on executor {executorAddress ?? "(unknown)"}: {remoteMessage}")
    {
        RemoteType = remoteType ?? string.Empty;
        RemoteMessage = remoteMessage ?? string.Empty;
        RemoteStackTrace = remoteStackTrace ?? string.Empty;
        ExecutorAddress = executorAddress;
    }

    /// <summary>Full name of the exception type thrown by the remote code.</summary>
    public string RemoteType { get; }

    /// <summary>The remote exception's message.</summary>
    public string RemoteMessage { get; }

    /// <summary>The remote exception's stack trace on the executor, including inner exceptions; empty when there was none.</summary>
    public string RemoteStackTrace { get; }

    /// <summary>Address of the executor the code ran on (<c>akka.tcp://media@host:port</c>), or null.</summary>
    public string? ExecutorAddress { get; }

    /// <summary>This exception's own description followed by the remote stack trace.</summary>
    public override string ToString() =>
        RemoteStackTrace.Length == 0 ? base.ToString() : $"{base.ToString()}{Environment.NewLine}--- remote stack trace ---{Environment.NewLine}{RemoteStackTrace}";
}
