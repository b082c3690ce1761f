using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.Streams;
using AkkaMedia.Protocol;

using AkkaMedia.Remote;

namespace AkkaMedia.Serialization;

/// <summary>
/// Writes the messages between clients and executors (<see cref="OpenSession"/> and its replies,
/// status queries, stream heartbeats) as compact binary: strings length-prefixed UTF-8, actor refs
/// as serialized paths, stream refs through Akka.Streams' own serializer. Never JSON. An <see cref="OpenSession"/>
/// outside any trace has the layout it had before it carried a trace context; one in a trace ends with it.
/// </summary>
/// <remarks>A batch (<see cref="OpenSessions"/>, <see cref="SessionsAnswered"/>) holds its members in their own layouts, each
/// preceded by its length. A truncated or corrupt payload, or an unknown manifest, raises <see cref="SerializationException"/>.</remarks>
internal sealed class ProtocolSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer identifier registered in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int SerializerIdentifier = 7302;

    private const string OpenSessionManifest = "OS";
    private const string SessionOpenedManifest = "SO";
    private const string SessionRefusedManifest = "SR";
    private const string CloseSessionManifest = "CS";
    private const string GetStatusManifest = "GS";
    private const string StatusManifest = "ES";
    private const string HeartbeatManifest = "HB";
    private const string OpenSessionsManifest = "OB";
    private const string SessionsAnsweredManifest = "AB";
    private const string CheckpointManifest = "CP";

    /// <summary>The most state bytes a checkpoint may claim: the media link's own message limit.</summary>
    private const int MaxStateLength = 64 * 1024 * 1024;

    private static readonly byte[] Empty = [];

    /// <summary>Called by Akka's serialization extension.</summary>
    public ProtocolSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerIdentifier;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        OpenSession => OpenSessionManifest,
        SessionOpened => SessionOpenedManifest,
        SessionRefused => SessionRefusedManifest,
        CloseSession => CloseSessionManifest,
        GetExecutorStatus => GetStatusManifest,
        ExecutorStatus => StatusManifest,
        StreamHeartbeat => HeartbeatManifest,
        OpenSessions => OpenSessionsManifest,
        SessionsAnswered => SessionsAnsweredManifest,
        StageCheckpoint => CheckpointManifest,
        _ => throw new SerializationException($"{nameof(ProtocolSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        switch (obj)
        {
            case StreamHeartbeat:
            case GetExecutorStatus:
                return Empty;
        }

        using var stream = new MemoryStream(128);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case OpenSession m:
                    writer.Write(m.SessionId);
                    writer.Write(m.NodeType);
                    writer.Write(m.Settings);
                    writer.Write(TransportInput.ToWire(m.Transport));
                    if (m.Input is not null)
                    {
                        WriteNested(writer, m.Input);
                    }

                    WriteActorRef(writer, m.Client);
                    NestedFields.WriteTraceAndCheckpoints(writer, m.Trace, m.Checkpoints);

                    break;
                case StageCheckpoint m:
                    writer.Write(m.Inputs);
                    writer.Write(m.Outputs);
                    writer.Write7BitEncodedInt(m.State.Length);
                    writer.Write(m.State);
                    break;
                case OpenSessions m:
                    // Each member as its own message, length first: a member's layout ends where its bytes do.
                    WriteActorRef(writer, m.ReplyTo);
                    WriteMembers(writer, m.Sessions);
                    break;
                case SessionsAnswered m:
                    WriteMembers(writer, m.Opened);
                    WriteMembers(writer, m.Refused);
                    break;
                case SessionOpened m:
                    writer.Write(m.SessionId);
                    WriteOptionalNested(writer, m.Output);
                    WriteActorRef(writer, m.Session);
                    writer.Write(m.LinkEndpoint ?? string.Empty);
                    break;
                case SessionRefused m:
                    writer.Write(m.SessionId);
                    writer.Write((int)m.Reason);
                    writer.Write(m.Message);
                    break;
                case CloseSession m:
                    writer.Write(m.SessionId);
                    writer.Write(m.StreamFailed);
                    break;
                case ExecutorStatus m:
                    writer.Write(m.Address);
                    writer.Write(m.ActiveSessions);
                    writer.Write(m.MaxSessions);
                    writer.Write(m.Accepting);
                    break;
                default:
                    throw new SerializationException($"{nameof(ProtocolSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}.");
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
                OpenSessionManifest => ReadOpenSession(reader),
                SessionOpenedManifest => new SessionOpened(reader.ReadString(), ReadOptionalNested<ISourceRef<object>>(reader), ReadActorRef(reader), EmptyAsNull(reader.ReadString())),
                SessionRefusedManifest => new SessionRefused(reader.ReadString(), ReadReason(reader), reader.ReadString()),
                CloseSessionManifest => ReadCloseSession(reader, bytes.Length),
                GetStatusManifest => GetExecutorStatus.Instance,
                StatusManifest => new ExecutorStatus(reader.ReadString(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadBoolean()),
                HeartbeatManifest => StreamHeartbeat.Instance,
                OpenSessionsManifest => ReadOpenSessions(reader),
                SessionsAnsweredManifest => new SessionsAnswered(ReadMembers<SessionOpened>(reader, SessionOpenedManifest), ReadMembers<SessionRefused>(reader, SessionRefusedManifest)),
                CheckpointManifest => ReadCheckpoint(reader),
                _ => throw new SerializationException($"Unknown protocol manifest '{manifest}'. Are client and executor on the same AkkaMedia version?"),
            };
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new SerializationException($"Corrupt protocol message '{manifest}': {bytes.Length - reader.BaseStream.Position} unexpected trailing bytes.");
            }

            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException or InvalidCastException)
        {
            throw new SerializationException($"Corrupt protocol message '{manifest}' ({bytes.Length} bytes): {e.Message}", e);
        }
    }

    private OpenSession ReadOpenSession(BinaryReader reader)
    {
        var (sessionId, nodeType, settings) = (reader.ReadString(), reader.ReadString(), reader.ReadString());
        var transport = TransportInput.FromWire(reader.ReadByte());
        var input = transport == RemoteTransport.StreamRefs ? ReadNested<ISourceRef<object>>(reader) : null;
        var open = new OpenSession(sessionId, nodeType, settings, transport, input, ReadActorRef(reader));
        var (trace, checkpoints) = NestedFields.ReadTraceAndCheckpoints(reader);
        return open with { TraceParent = trace.Parent, TraceState = trace.State, Checkpoints = checkpoints };
    }

    /// <summary>A close; one from a client before <see cref="CloseSession.StreamFailed"/> existed (the id alone) reads as a release.</summary>
    private static CloseSession ReadCloseSession(BinaryReader reader, int length)
    {
        var sessionId = reader.ReadString();
        return new CloseSession(sessionId, reader.BaseStream.Position < length && reader.ReadBoolean());
    }

    private static StageCheckpoint ReadCheckpoint(BinaryReader reader)
    {
        var (inputs, outputs) = (reader.ReadInt64(), reader.ReadInt64());
        var length = reader.Read7BitEncodedInt();
        if (length < 0 || length > MaxStateLength || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new SerializationException($"Corrupt checkpoint: it claims {length} state bytes, and {reader.BaseStream.Length - reader.BaseStream.Position} follow.");
        }

        return new StageCheckpoint(inputs, outputs, reader.ReadBytes(length));
    }

    private OpenSessions ReadOpenSessions(BinaryReader reader)
    {
        var replyTo = ReadActorRef(reader);
        return new OpenSessions(ReadMembers<OpenSession>(reader, OpenSessionManifest), replyTo);
    }

    private void WriteMembers<T>(BinaryWriter writer, IReadOnlyList<T> members)
        where T : notnull
    {
        writer.Write7BitEncodedInt(members.Count);
        foreach (var member in members)
        {
            var bytes = ToBinary(member);
            writer.Write7BitEncodedInt(bytes.Length);
            writer.Write(bytes);
        }
    }

    private List<T> ReadMembers<T>(BinaryReader reader, string manifest)
    {
        var count = ReadCount(reader);
        var members = new List<T>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            var length = ReadCount(reader);
            var left = reader.BaseStream.Length - reader.BaseStream.Position;
            if (length > left)
            {
                // Checked before reading: the length is outside bytes, and ReadBytes would allocate all of it first.
                throw new EndOfStreamException($"A batch member of {length} bytes was cut after {left}.");
            }

            var bytes = reader.ReadBytes(length);

            members.Add((T)FromBinary(bytes, manifest));
        }

        return members;
    }

    private static int ReadCount(BinaryReader reader)
    {
        var value = reader.Read7BitEncodedInt();
        return value >= 0 ? value : throw new SerializationException($"Negative count {value} in a batch.");
    }

    private static RefusalReason ReadReason(BinaryReader reader)
    {
        var value = (RefusalReason)reader.ReadInt32();
        return Enum.IsDefined(value) ? value : throw new SerializationException($"Unknown refusal reason {(int)value}.");
    }

    private static string? EmptyAsNull(string value) => value.Length == 0 ? null : value;

    private void WriteOptionalNested(BinaryWriter writer, object? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            WriteNested(writer, value);
        }
    }

    private T? ReadOptionalNested<T>(BinaryReader reader)
        where T : class =>
        reader.ReadBoolean() ? ReadNested<T>(reader) : null;

    private void WriteNested(BinaryWriter writer, object value) => NestedFields.WriteNested(system, writer, value);

    private T ReadNested<T>(BinaryReader reader) => NestedFields.ReadNested<T>(system, reader, "protocol message");

    private static void WriteActorRef(BinaryWriter writer, IActorRef actorRef) => NestedFields.WriteActorRef(writer, actorRef);

    private IActorRef ReadActorRef(BinaryReader reader) => NestedFields.ReadActorRef(system, reader);
}
