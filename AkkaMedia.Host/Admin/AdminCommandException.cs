namespace AkkaMedia.Host.Admin;

/// <summary>An admin command cannot do what was asked; the message, shown to the operator as is, says why and what is valid.</summary>
internal sealed class AdminCommandException(string message) : Exception(message);
