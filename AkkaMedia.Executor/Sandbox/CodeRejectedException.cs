namespace AkkaMedia.Executor.Sandbox;

/// <summary>
/// Shipped code cannot run in a session; the message says why and what to change. Becomes a refusal to the client.
/// <paramref name="sandboxViolation"/>: the sandbox policy refused it (counted apart in the executor's errors).
/// </summary>
internal sealed class CodeRejectedException(string message, Exception? inner = null, bool sandboxViolation = false) : Exception(message, inner)
{
    public bool IsSandboxViolation { get; } = sandboxViolation;
}
