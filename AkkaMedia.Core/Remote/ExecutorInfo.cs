namespace AkkaMedia.Remote;

/// <summary>What a client knows of one executor node.</summary>
/// <param name="Address">The node's address, <c>akka.tcp://system@host:port</c>.</param>
/// <param name="Role">The cluster role it was found under.</param>
/// <param name="ActiveSessions">Sessions it reported at its last status reply plus sessions opened since by this client.</param>
/// <param name="MaxSessions">Its capacity, or 0 before its first status reply.</param>
public sealed record ExecutorInfo(string Address, string Role, int ActiveSessions, int MaxSessions);
