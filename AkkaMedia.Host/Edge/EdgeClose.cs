using System.Net.WebSockets;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// Asks a session's send loop to end the connection: send <paramref name="ErrorMessage"/> first where the protocol has an
/// error message (and it is not null), then the close frame with <paramref name="Status"/> and <paramref name="Reason"/>.
/// <paramref name="EndReason"/> is the session's end as the metrics and logs name it.
/// </summary>
internal sealed record EdgeClose(WebSocketCloseStatus Status, string Reason, string? ErrorMessage, string EndReason)
{
    /// <summary>1013, try again later: the server is at <c>max-sessions</c>.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>The client broke the protocol or a limit (1008).</summary>
    public static EdgeClose Violation(string message) => new(WebSocketCloseStatus.PolicyViolation, message, message, "protocol_violation");

    /// <summary>The client sent nothing for the idle timeout (1008).</summary>
    public static EdgeClose Idle(TimeSpan timeout) =>
        new(WebSocketCloseStatus.PolicyViolation, "idle timeout", $"No message from the client for {timeout.TotalSeconds:0.###} s (akka-media.edge.idle-timeout): send audio, or a ping while silent.", "idle");

    /// <summary>The server is stopping (1001).</summary>
    public static EdgeClose ServerStopping { get; } = new(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", "The server is shutting down; reconnect to another one.", "server_stopping");

    /// <summary>The client closed or vanished first: answer its close, nothing more to say.</summary>
    public static EdgeClose ClientGone { get; } = new(WebSocketCloseStatus.NormalClosure, string.Empty, null, "client_gone");
}
