namespace AkkaMedia.Host.Edge;

/// <summary>
/// A client broke the edge protocol or one of its limits. The message says what to fix; the session answers it with an
/// <c>error</c> message (where the protocol has one) and closes with 1008 (policy violation).
/// </summary>
internal sealed class EdgeProtocolException(string message) : Exception(message);
