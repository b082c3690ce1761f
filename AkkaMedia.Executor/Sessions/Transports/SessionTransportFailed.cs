namespace AkkaMedia.Executor.Sessions.Transports;

/// <summary>
/// A transport gave up on its client (it never connected): the session actor fails its stream with
/// <paramref name="Error"/> and counts it as an error of kind <paramref name="ErrorKind"/> (an <c>ExecutorErrorKind</c>).
/// </summary>
internal sealed record SessionTransportFailed(Exception Error, string ErrorKind);
