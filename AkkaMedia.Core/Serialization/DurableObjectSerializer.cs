using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using AkkaMedia.Deployment;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Durable;

namespace AkkaMedia.Serialization;

/// <summary>
/// Writes durable objects' commands, replies, journal events and snapshots as compact binary: strings length-prefixed
/// UTF-8, user payloads (the object's state, arguments, results: already serialized by a session serializer) as
/// length-prefixed opaque bytes. The journal keeps these bytes: a change to a layout here must still read the old one.
/// </summary>
/// <remarks>A truncated or corrupt payload, or an unknown manifest, raises <see cref="SerializationException"/>.</remarks>
internal sealed class DurableObjectSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer identifier registered in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int SerializerIdentifier = 7305;

    private const string ActivateManifest = "AD";
    private const string CreateManifest = "CR";
    private const string InvokeManifest = "IN";
    private const string GetStateManifest = "GS";
    private const string DestroyManifest = "DE";
    private const string ActivationManifest = "AC";
    private const string RefusedManifest = "RF";
    private const string DestroyedManifest = "DD";
    private const string ReplyManifest = "RP";
    private const string CreatedManifest = "EC";
    private const string AppliedManifest = "EA";
    private const string SnapshotManifest = "SN";

    /// <summary>Called by Akka's serialization extension.</summary>
    public DurableObjectSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerIdentifier;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        ActivateDurable => ActivateManifest,
        CreateDurable => CreateManifest,
        InvokeDurable => InvokeManifest,
        GetDurableState => GetStateManifest,
        DestroyDurable => DestroyManifest,
        DurableActivation => ActivationManifest,
        DurableRefused => RefusedManifest,
        DurableDestroyed => DestroyedManifest,
        DurableReply => ReplyManifest,
        DurableCreated => CreatedManifest,
        DurableCallApplied => AppliedManifest,
        DurableSnapshot => SnapshotManifest,
        _ => throw new SerializationException($"{nameof(DurableObjectSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            switch (obj)
            {
                case ActivateDurable m:
                    w.Write(m.Name);
                    w.Write(m.Interface);
                    break;
                case CreateDurable m:
                    w.Write(m.Name);
                    WriteCreated(w, new DurableCreated(m.Interface, m.TypeName, m.Package, m.State, m.Policy));
                    break;
                case InvokeDurable m:
                    w.Write(m.Name);
                    w.Write(m.Client.ToByteArray());
                    w.Write(m.Sequence);
                    w.Write(m.Method);
                    WriteBytes(w, m.Arguments);
                    break;
                case GetDurableState m:
                    w.Write(m.Name);
                    break;
                case DestroyDurable m:
                    w.Write(m.Name);
                    break;
                case DurableActivation m:
                    w.Write(m.Exists);
                    WriteOptional(w, m.Executor);
                    break;
                case DurableRefused m:
                    w.Write(m.Message);
                    WriteOptional(w, m.Executor);
                    w.Write(m.Retry);
                    break;
                case DurableDestroyed m:
                    w.Write(m.Name);
                    break;
                case DurableReply m:
                    WriteReply(w, m);
                    break;
                case DurableCreated m:
                    WriteCreated(w, m);
                    break;
                case DurableCallApplied m:
                    WriteApplied(w, m);
                    break;
                case DurableSnapshot m:
                    WriteCreated(w, m.Created);
                    WriteBytes(w, m.State);
                    WriteList(w, m.Unsaved);
                    WriteList(w, m.Recent);
                    break;
                default:
                    throw new SerializationException($"{nameof(DurableObjectSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}.");
            }
        }

        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
            return manifest switch
            {
                ActivateManifest => new ActivateDurable(r.ReadString(), r.ReadString()),
                CreateManifest => ReadCreate(r),
                InvokeManifest => new InvokeDurable(r.ReadString(), new Guid(r.ReadBytes(16)), r.ReadInt64(), r.ReadString(), ReadBytes(r)),
                GetStateManifest => new GetDurableState(r.ReadString()),
                DestroyManifest => new DestroyDurable(r.ReadString()),
                ActivationManifest => new DurableActivation(r.ReadBoolean(), ReadOptional(r)),
                RefusedManifest => new DurableRefused(r.ReadString(), ReadOptional(r), r.ReadBoolean()),
                DestroyedManifest => new DurableDestroyed(r.ReadString()),
                ReplyManifest => ReadReply(r),
                CreatedManifest => ReadCreated(r),
                AppliedManifest => ReadApplied(r),
                SnapshotManifest => new DurableSnapshot(ReadCreated(r), ReadBytes(r), ReadList(r), ReadList(r)),
                _ => throw new SerializationException($"{nameof(DurableObjectSerializer)} does not know manifest '{manifest}'."),
            };
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException or IOException)
        {
            throw new SerializationException($"A durable object message ({manifest}) is truncated or corrupt: {e.Message}", e);
        }
    }

    private static CreateDurable ReadCreate(BinaryReader r)
    {
        var name = r.ReadString();
        var created = ReadCreated(r);
        return new CreateDurable(name, created.Interface, created.TypeName, created.Package, created.State, created.Policy);
    }

    private static void WriteCreated(BinaryWriter w, DurableCreated m)
    {
        w.Write(m.Interface);
        w.Write(m.TypeName);
        w.Write(m.Package.EntryAssembly);
        w.Write(m.Package.Files.Count);
        foreach (var file in m.Package.Files)
        {
            w.Write(file.Entry.Name);
            w.Write(file.Entry.Version);
            w.Write(file.Entry.Sha256);
            w.Write(file.Entry.WireLength);
            w.Write(file.Path);
        }

        WriteBytes(w, m.State);
        w.Write(m.Policy.SaveEvery);
        w.Write(m.Policy.SaveInterval.Ticks);
        w.Write(m.Policy.CallTimeout.Ticks);
    }

    private static DurableCreated ReadCreated(BinaryReader r)
    {
        var @interface = r.ReadString();
        var typeName = r.ReadString();
        var entry = r.ReadString();
        var count = Count(r);
        var files = new DurableCodeFile[count];
        for (var i = 0; i < count; i++)
        {
            files[i] = new DurableCodeFile(PackageEntry.FromWire(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadInt64()), r.ReadString());
        }

        var state = ReadBytes(r);
        var policy = new DurablePolicy(r.ReadInt32(), TimeSpan.FromTicks(r.ReadInt64()), TimeSpan.FromTicks(r.ReadInt64()));
        return new DurableCreated(@interface, typeName, new DurableCode(entry, files), state, policy);
    }

    private static void WriteApplied(BinaryWriter w, DurableCallApplied m)
    {
        w.Write(m.Key.Client.ToByteArray());
        w.Write(m.Key.Sequence);
        w.Write(m.Method);
        WriteBytes(w, m.Arguments);
        WriteReply(w, m.Reply);
        w.Write(m.State is not null);
        if (m.State is not null)
        {
            WriteBytes(w, m.State);
        }
    }

    private static DurableCallApplied ReadApplied(BinaryReader r) =>
        new(new DurableCallKey(new Guid(r.ReadBytes(16)), r.ReadInt64()), r.ReadString(), ReadBytes(r), ReadReply(r), r.ReadBoolean() ? ReadBytes(r) : null);

    private static void WriteList(BinaryWriter w, IReadOnlyList<DurableCallApplied> calls)
    {
        w.Write(calls.Count);
        foreach (var call in calls)
        {
            WriteApplied(w, call);
        }
    }

    private static DurableCallApplied[] ReadList(BinaryReader r)
    {
        var calls = new DurableCallApplied[Count(r)];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = ReadApplied(r);
        }

        return calls;
    }

    private static void WriteReply(BinaryWriter w, DurableReply m)
    {
        WriteBytes(w, m.Result);
        w.Write(m.Failure is { } failure ? (int)failure : 0);
        w.Write(m.RemoteType);
        w.Write(m.RemoteMessage);
        w.Write(m.RemoteStackTrace);
        w.Write(m.Executor);
    }

    private static DurableReply ReadReply(BinaryReader r)
    {
        var result = ReadBytes(r);
        var failure = r.ReadInt32();
        return new DurableReply(result, failure == 0 ? null : (CallFailure)failure, r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString());
    }

    private static void WriteBytes(BinaryWriter w, byte[] bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader r)
    {
        var length = Count(r);
        var bytes = r.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException($"{length} bytes announced, {bytes.Length} present.");
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static int Count(BinaryReader r)
    {
        var count = r.ReadInt32();
        return count >= 0 && count <= r.BaseStream.Length ? count : throw new FormatException($"A length of {count} does not fit the message.");
    }
}
