using AkkaMedia.Deployment;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote.Durable;

/// <summary>
/// Messages between a <see cref="DurableObject{TInterface}"/> handle and the durable object's entity (through the
/// shard region: every command names its object), the entity's journal events and its snapshot. All are written by
/// <see cref="Serialization.DurableObjectSerializer"/>; user data (the object, arguments, results) are opaque bytes
/// written by the session serializers.
/// </summary>
internal interface IDurableObjectMessage
{
}

/// <summary>A message the shard region routes to the entity of durable object <see cref="Name"/>.</summary>
internal interface IDurableObjectCommand : IDurableObjectMessage
{
    /// <summary>The durable object's name: its entity id.</summary>
    string Name { get; }
}

/// <summary>Asks whether durable object <paramref name="Name"/> exists, to be called through <paramref name="Interface"/> (full name). Answered with <see cref="DurableActivation"/> or <see cref="DurableRefused"/>.</summary>
internal sealed record ActivateDurable(string Name, string Interface) : IDurableObjectCommand;

/// <summary>
/// Creates durable object <paramref name="Name"/> from <paramref name="State"/> (the object shipped, of class
/// <paramref name="TypeName"/>, called through <paramref name="Interface"/>) with the code of <paramref name="Package"/>,
/// unless it exists already. Answered with <see cref="DurableActivation"/> once the object lives on an executor and its
/// creation is persisted, or with <see cref="DurableRefused"/>.
/// </summary>
internal sealed record CreateDurable(string Name, string Interface, string TypeName, DurableCode Package, byte[] State, DurablePolicy Policy) : IDurableObjectCommand;

/// <summary>
/// Calls <paramref name="Method"/> with serialized <paramref name="Arguments"/>; the call's idempotency key is
/// (<paramref name="Client"/>, <paramref name="Sequence"/>). Answered with <see cref="DurableReply"/> or <see cref="DurableRefused"/>.
/// </summary>
internal sealed record InvokeDurable(string Name, Guid Client, long Sequence, string Method, byte[] Arguments) : IDurableObjectCommand
{
    /// <summary>The call's idempotency key.</summary>
    public DurableCallKey Key => new(Client, Sequence);
}

/// <summary>Asks for a serialized copy of the object after every acknowledged call. Answered with <see cref="DurableReply"/> or <see cref="DurableRefused"/>.</summary>
internal sealed record GetDurableState(string Name) : IDurableObjectCommand;

/// <summary>Removes the object and its persisted state. Answered with <see cref="DurableDestroyed"/>.</summary>
internal sealed record DestroyDurable(string Name) : IDurableObjectCommand;

/// <summary>The object exists (<paramref name="Exists"/>); <paramref name="Executor"/> is where it lives now, if it does.</summary>
internal sealed record DurableActivation(bool Exists, string? Executor) : IDurableObjectMessage;

/// <summary>
/// The request could not be served; <paramref name="Message"/> says why and what to do. With <paramref name="Retry"/>
/// the entity stopped before it answered (deactivated, or its node stopping): the handle sends the request again with
/// the same idempotency key, which reactivates the object and returns the stored reply if the call was applied.
/// </summary>
internal sealed record DurableRefused(string Message, string? Executor, bool Retry = false) : IDurableObjectMessage;

/// <summary>The object and its persisted state are gone.</summary>
internal sealed record DurableDestroyed(string Name) : IDurableObjectMessage;

/// <summary>
/// A call's outcome: its serialized result (empty for <c>void</c>), or how it failed (<paramref name="Failure"/> with the
/// remote exception's type, message and stack trace). <paramref name="Executor"/> is where it ran.
/// </summary>
internal sealed record DurableReply(byte[] Result, CallFailure? Failure, string RemoteType, string RemoteMessage, string RemoteStackTrace, string Executor) : IDurableObjectMessage
{
    /// <summary>A successful call.</summary>
    public static DurableReply Success(byte[] result, string executor) => new(result, null, "", "", "", executor);
}

/// <summary>The idempotency key of one call: the handle that made it and its number there.</summary>
internal readonly record struct DurableCallKey(Guid Client, long Sequence);

/// <summary>
/// The code package's identity and where its files are on the disk of the node that created the object:
/// reactivation uploads these same assemblies (the executor checks their hashes).
/// </summary>
internal sealed record DurableCode(string EntryAssembly, IReadOnlyList<DurableCodeFile> Files)
{
    /// <summary>The identity as a package: <paramref name="code"/>'s entries with their paths.</summary>
    public static DurableCode Of(CodePackage code) =>
        new(code.EntryAssembly, code.Entries.Select(e => new DurableCodeFile(e, code.PathOf(e))).ToArray());

    /// <summary>The package to upload; its files must still be where they were.</summary>
    public CodePackage ToPackage() => new(EntryAssembly, Files.Select(static f => (f.Entry, f.Path)).ToList());
}

/// <summary>One assembly of a <see cref="DurableCode"/>: its manifest entry and its path.</summary>
internal sealed record DurableCodeFile(PackageEntry Entry, string Path);

/// <summary>How often the state is saved: after <paramref name="SaveEvery"/> calls, or with the first call once <paramref name="SaveInterval"/> has passed (zero: by count only); <paramref name="CallTimeout"/> bounds one call on the executor (zero: the executor's default).</summary>
internal sealed record DurablePolicy(int SaveEvery, TimeSpan SaveInterval, TimeSpan CallTimeout);

/// <summary>Journal event: the object was created.</summary>
internal sealed record DurableCreated(string Interface, string TypeName, DurableCode Package, byte[] State, DurablePolicy Policy) : IDurableObjectMessage;

/// <summary>
/// Journal event: the call with <paramref name="Key"/> ran and was acknowledged with <paramref name="Reply"/>. With
/// <paramref name="State"/>, the object's state after it; without, the call itself (<paramref name="Method"/>,
/// <paramref name="Arguments"/>), replayed on reactivation after the last saved state.
/// </summary>
internal sealed record DurableCallApplied(DurableCallKey Key, string Method, byte[] Arguments, DurableReply Reply, byte[]? State) : IDurableObjectMessage;

/// <summary>
/// Snapshot: everything recovery needs, so that the events before it can be deleted: the creation, the last saved
/// state, the calls made since, and the recent calls' outcomes by key (oldest first).
/// </summary>
internal sealed record DurableSnapshot(DurableCreated Created, byte[] State, IReadOnlyList<DurableCallApplied> Unsaved, IReadOnlyList<DurableCallApplied> Recent) : IDurableObjectMessage;
