using Akka.Actor;
using AkkaMedia.Deployment;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// What a <see cref="CodeSessionActor"/> loads and for whom: the parts that an object request and a shipped-node
/// request share.
/// </summary>
/// <param name="SessionId">The session's id, in refusals and log events.</param>
/// <param name="EntryAssembly">Simple name of the assembly that defines the shipped object's type.</param>
/// <param name="Entries">The package's assemblies, already in the executor's package store.</param>
/// <param name="Bytes">The shipped object (a remote object or a node), serialized by the client's codec.</param>
/// <param name="Client">The actor answered with the refusal, and watched while the code loads.</param>
internal sealed record CodeSessionRequest(string SessionId, string EntryAssembly, IReadOnlyList<PackageEntry> Entries, byte[] Bytes, IActorRef Client);
