namespace AkkaMedia.Executor.Deployment;

/// <summary>Shipped code cannot run in a session; the message says why and what to change. Becomes a refusal to the client.</summary>
internal sealed class CodeRejectedException(string message, Exception? inner = null) : Exception(message, inner);
