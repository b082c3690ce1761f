namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// Tells a session's actor to fail its stream now with <paramref name="Message"/> (the client's stage fails with it);
/// the actor then stops as after any end of its stream. Sent by the executor when a drain times out.
/// </summary>
internal sealed record AbortSession(string Message);
