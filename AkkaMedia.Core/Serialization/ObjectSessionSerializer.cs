using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.Streams;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;

using AkkaMedia.Protocol;

using AkkaMedia.Remote;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Serialization;

/// <summary>
/// Writes the messages of object sessions and shipped node sessions as compact binary: strings
/// length-prefixed UTF-8, user payloads (the object, call arguments and results, already serialized by
/// the session's own serializer) as length-prefixed opaque bytes, actor refs as serialized paths and
/// stream refs through Akka.Streams' own serializer. The requests that open a session end with the client's trace
/// context when it has one, and otherwise keep the layout they had before they carried it.
/// </summary>
/// <remarks>
/// Akka.Remote drops messages over <c>maximum-frame-size</c> (128,000 bytes by default), so the senders
/// keep user payloads below <c>RemoteObject</c>'s payload limit. A truncated or corrupt payload, or an
/// unknown manifest, raises <see cref="SerializationException"/>.
/// </remarks>
internal sealed class ObjectSessionSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer identifier registered in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int SerializerIdentifier = 7304;

    private const string OpenObjectManifest = "OO";
    private const string OpenedManifest = "OK";
    private const string OpenNodeManifest = "ON";
    private const string InvokeManifest = "IV";
    private const string GetStateManifest = "GS";
    private const string SucceededManifest = "CS";
    private const string FailedManifest = "CF";

    /// <summary>Called by Akka's serialization extension.</summary>
    public ObjectSessionSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerIdentifier;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        OpenObjectSession => OpenObjectManifest,
        ObjectSessionOpened => OpenedManifest,
        OpenNodeSession => OpenNodeManifest,
        InvokeObject => InvokeManifest,
        GetObjectState => GetStateManifest,
        CallSucceeded => SucceededManifest,
        CallFailed => FailedManifest,
        _ => throw new SerializationException($"{nameof(ObjectSessionSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(64);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case OpenObjectSession m:
                    writer.Write(m.SessionId);
                    WriteCode(writer, m.EntryAssembly, m.Entries);
                    WriteBytes(writer, m.Object);
                    writer.Write(m.CallTimeout.Ticks);
                    WriteActorRef(writer, m.Client);
                    if (m.Signature is { } objectSignature)
                    {
                        // The trace is then written even when empty, so that the signature can be told from it.
                        writer.Write(m.Trace.Parent ?? string.Empty);
                        writer.Write(m.Trace.State ?? string.Empty);
                        DeploymentSerializer.WriteSignature(writer, objectSignature);
                    }
                    else
                    {
                        NestedFields.WriteTrace(writer, m.Trace);
                    }

                    break;
                case ObjectSessionOpened m:
                    writer.Write(m.SessionId);
                    WriteActorRef(writer, m.Session);
                    writer.Write(m.CallTimeout.Ticks);
                    if (m.LinkEndpoint is not null)
                    {
                        writer.Write(m.LinkEndpoint);
                    }

                    break;
                case OpenNodeSession m:
                    writer.Write(m.SessionId);
                    WriteCode(writer, m.EntryAssembly, m.Entries);
                    WriteBytes(writer, m.Node);
                    writer.Write(TransportInput.ToWire(m.Transport));
                    if (m.Input is not null)
                    {
                        WriteNested(writer, m.Input);
                    }

                    WriteActorRef(writer, m.Client);
                    if (m.Signature is { } nodeSignature)
                    {
                        // Trace and checkpoint policy are then written in full (no policy: an input count of 0, which no
                        // policy has), so that the signature can be told from them.
                        writer.Write(m.Trace.Parent ?? string.Empty);
                        writer.Write(m.Trace.State ?? string.Empty);
                        writer.Write7BitEncodedInt(m.Checkpoints?.EveryInputs ?? 0);
                        if (m.Checkpoints is { } policy)
                        {
                            writer.Write(policy.Interval.Ticks);
                        }

                        DeploymentSerializer.WriteSignature(writer, nodeSignature);
                    }
                    else
                    {
                        NestedFields.WriteTraceAndCheckpoints(writer, m.Trace, m.Checkpoints);
                    }

                    break;
                case InvokeObject m:
                    writer.Write(m.CallId);
                    writer.Write(m.Method);
                    WriteBytes(writer, m.Arguments);
                    break;
                case GetObjectState m:
                    writer.Write(m.CallId);
                    break;
                case CallSucceeded m:
                    writer.Write(m.CallId);
                    WriteBytes(writer, m.Result);
                    break;
                case CallFailed m:
                    writer.Write(m.CallId);
                    writer.Write((byte)m.Failure);
                    writer.Write(m.RemoteType);
                    writer.Write(m.RemoteMessage);
                    writer.Write(m.RemoteStackTrace);
                    break;
                default:
                    throw new SerializationException($"{nameof(ObjectSessionSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}.");
            }
        }

        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            object result = manifest switch
            {
                OpenObjectManifest => ReadOpenObject(reader),
                OpenedManifest => ReadOpened(reader),
                OpenNodeManifest => ReadOpenNode(reader),
                InvokeManifest => new InvokeObject(reader.ReadInt64(), reader.ReadString(), ReadBytes(reader)),
                GetStateManifest => new GetObjectState(reader.ReadInt64()),
                SucceededManifest => new CallSucceeded(reader.ReadInt64(), ReadBytes(reader)),
                FailedManifest => new CallFailed(reader.ReadInt64(), ReadFailure(reader), reader.ReadString(), reader.ReadString(), reader.ReadString()),
                _ => throw new SerializationException($"Unknown object session manifest '{manifest}'. Are client and executor on the same AkkaMedia version?"),
            };
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new SerializationException($"Corrupt object session message '{manifest}': {bytes.Length - reader.BaseStream.Position} unexpected trailing bytes.");
            }

            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException or InvalidCastException)
        {
            throw new SerializationException($"Corrupt object session message '{manifest}' ({bytes.Length} bytes): {e.Message}", e);
        }
    }

    private OpenObjectSession ReadOpenObject(BinaryReader reader)
    {
        var id = reader.ReadString();
        var (entry, entries) = ReadCode(reader);
        var bytes = ReadBytes(reader);
        var callTimeout = ReadDuration(reader);
        var client = ReadActorRef(reader);
        var trace = NestedFields.ReadTrace(reader);
        if (trace.Parent is { Length: 0 })
        {
            trace = TraceContext.None;
        }

        var signature = AtEnd(reader) ? null : DeploymentSerializer.ReadSignature(reader);
        return new OpenObjectSession(id, entry, entries, bytes, callTimeout, client, trace) { Signature = signature };
    }

    private static bool AtEnd(BinaryReader reader) => reader.BaseStream.Position == reader.BaseStream.Length;

    /// <summary>The link endpoint is last and only there when the executor offers a link (older executors never wrote it).</summary>
    private ObjectSessionOpened ReadOpened(BinaryReader reader)
    {
        var id = reader.ReadString();
        var session = ReadActorRef(reader);
        var callTimeout = ReadDuration(reader);
        var link = reader.BaseStream.Position < reader.BaseStream.Length ? reader.ReadString() : null;
        return new ObjectSessionOpened(id, session, callTimeout, link);
    }

    private OpenNodeSession ReadOpenNode(BinaryReader reader)
    {
        var id = reader.ReadString();
        var (entry, entries) = ReadCode(reader);
        var node = ReadBytes(reader);
        var transport = TransportInput.FromWire(reader.ReadByte());
        var input = transport == RemoteTransport.StreamRefs ? ReadNested<ISourceRef<object>>(reader) : null;
        var client = ReadActorRef(reader);

        // The tail: trace, then a checkpoint policy (an input count of 0 for none), then a signature; each only when
        // something after it is there (older clients wrote neither the 0 nor a signature).
        var trace = NestedFields.ReadTrace(reader);
        if (trace.Parent is { Length: 0 })
        {
            trace = TraceContext.None;
        }

        CheckpointPolicy? checkpoints = null;
        PackageSignature? signature = null;
        if (!AtEnd(reader))
        {
            var every = reader.Read7BitEncodedInt();
            checkpoints = every == 0 ? null : new CheckpointPolicy(every, TimeSpan.FromTicks(reader.ReadInt64()));
            signature = AtEnd(reader) ? null : DeploymentSerializer.ReadSignature(reader);
        }

        return new OpenNodeSession(id, entry, entries, node, transport, input, client, trace) { Checkpoints = checkpoints, Signature = signature };
    }

    private static void WriteCode(BinaryWriter writer, string entryAssembly, IReadOnlyList<PackageEntry> entries)
    {
        writer.Write(entryAssembly);
        DeploymentSerializer.WriteEntries(writer, entries);
    }

    private static (string EntryAssembly, IReadOnlyList<PackageEntry> Entries) ReadCode(BinaryReader reader)
    {
        var entryAssembly = reader.ReadString();
        return (entryAssembly, DeploymentSerializer.ReadEntries(reader));
    }

    private static void WriteBytes(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new SerializationException($"Corrupt object session message: a payload of {length} bytes does not fit.");
        }

        return reader.ReadBytes(length);
    }

    private static TimeSpan ReadDuration(BinaryReader reader)
    {
        var ticks = reader.ReadInt64();
        return ticks >= 0 ? TimeSpan.FromTicks(ticks) : throw new SerializationException($"Corrupt object session message: negative duration {ticks}.");
    }

    private static CallFailure ReadFailure(BinaryReader reader)
    {
        var value = (CallFailure)reader.ReadByte();
        return Enum.IsDefined(value) ? value : throw new SerializationException($"Unknown call failure kind {(int)value}.");
    }

    private void WriteNested(BinaryWriter writer, object value) => NestedFields.WriteNested(system, writer, value);

    private T ReadNested<T>(BinaryReader reader) => NestedFields.ReadNested<T>(system, reader, "object session message");

    private static void WriteActorRef(BinaryWriter writer, IActorRef actorRef) => NestedFields.WriteActorRef(writer, actorRef);

    private IActorRef ReadActorRef(BinaryReader reader) => NestedFields.ReadActorRef(system, reader);
}
