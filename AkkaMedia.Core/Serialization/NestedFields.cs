using AkkaMedia.Protocol;
using System.Runtime.Serialization;
using Akka.Actor;
using AkkaMedia.Diagnostics;

namespace AkkaMedia.Serialization;

/// <summary>
/// Fields the protocol, deployment and object session serializers share: a value serialized by whatever
/// serializer Akka binds to it (stream refs), actor references as serialized paths, and the optional trace context
/// that ends a session request.
/// </summary>
internal static class NestedFields
{
    /// <summary>Serializer id, manifest, 7-bit encoded length, bytes.</summary>
    public static void WriteNested(ExtendedActorSystem system, BinaryWriter writer, object value)
    {
        var serializer = system.Serialization.FindSerializerFor(value);
        writer.Write(serializer.Identifier);
        writer.Write(Akka.Serialization.Serialization.ManifestFor(serializer, value));
        var bytes = serializer.ToBinary(value);
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads what <see cref="WriteNested"/> wrote.</summary>
    /// <exception cref="SerializationException">The length does not fit in the payload, the nested serializer cannot read
    /// the value (its exception is the inner one), or the value is not a <typeparamref name="T"/>; the message names <paramref name="messageKind"/>.</exception>
    public static T ReadNested<T>(ExtendedActorSystem system, BinaryReader reader, string messageKind)
    {
        var id = reader.ReadInt32();
        var manifest = reader.ReadString();
        var length = reader.Read7BitEncodedInt();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new SerializationException($"Corrupt {messageKind}: nested payload of {length} bytes does not fit.");
        }

        object? value;
        try
        {
            value = system.Serialization.Deserialize(reader.ReadBytes(length), id, manifest);
        }
        catch (Exception e) when (e is not SerializationException and not OutOfMemoryException)
        {
            // The id names any serializer of the system (JSON, Hyperion, ...): whatever it throws on bytes it cannot read
            // is this message's corruption, reported as the serializer contract says.
            throw new SerializationException($"Corrupt {messageKind}: the nested value (serializer {id}, manifest '{manifest}') cannot be read: {e.Message}", e);
        }

        return value is T typed ? typed : throw new SerializationException($"Expected {typeof(T).Name} in {messageKind} but found {value?.GetType().Name ?? "null"}.");
    }

    /// <summary>
    /// The trace context as the last field of a message: <c>traceparent</c> then <c>tracestate</c> (empty for none),
    /// written only when there is one, so that a message outside any trace keeps the layout it had before this field
    /// existed and older readers still accept it.
    /// </summary>
    public static void WriteTrace(BinaryWriter writer, TraceContext trace)
    {
        if (trace.Parent is null)
        {
            return;
        }

        writer.Write(trace.Parent);
        writer.Write(trace.State ?? string.Empty);
    }

    /// <summary>Reads what <see cref="WriteTrace"/> wrote: <see cref="TraceContext.None"/> when the message ends here.</summary>
    public static TraceContext ReadTrace(BinaryReader reader)
    {
        if (reader.BaseStream.Position == reader.BaseStream.Length)
        {
            return TraceContext.None;
        }

        var parent = reader.ReadString();
        var state = reader.ReadString();
        return new TraceContext(parent, state.Length == 0 ? null : state);
    }

    /// <summary>
    /// The tail of a session-open request: its trace context as <see cref="WriteTrace"/> writes it and, for a session
    /// with failover, the checkpoint policy after it (the trace is then written even when empty, so that the policy
    /// can be told from it).
    /// </summary>
    public static void WriteTraceAndCheckpoints(BinaryWriter writer, TraceContext trace, CheckpointPolicy? checkpoints)
    {
        if (checkpoints is null)
        {
            WriteTrace(writer, trace);
            return;
        }

        writer.Write(trace.Parent ?? string.Empty);
        writer.Write(trace.State ?? string.Empty);
        writer.Write7BitEncodedInt(checkpoints.EveryInputs);
        writer.Write(checkpoints.Interval.Ticks);
    }

    /// <summary>Reads what <see cref="WriteTraceAndCheckpoints"/> wrote; an empty trace parent is no trace.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The policy is out of range (a corrupt message).</exception>
    public static (TraceContext Trace, CheckpointPolicy? Checkpoints) ReadTraceAndCheckpoints(BinaryReader reader)
    {
        var trace = ReadTrace(reader);
        if (trace.Parent is { Length: 0 })
        {
            trace = TraceContext.None;
        }

        if (reader.BaseStream.Position == reader.BaseStream.Length)
        {
            return (trace, null);
        }

        var every = reader.Read7BitEncodedInt();
        var interval = reader.ReadInt64();
        return (trace, new CheckpointPolicy(every, TimeSpan.FromTicks(interval)));
    }

    public static void WriteActorRef(BinaryWriter writer, IActorRef actorRef) =>
        writer.Write(Akka.Serialization.Serialization.SerializedActorPath(actorRef));

    public static IActorRef ReadActorRef(ExtendedActorSystem system, BinaryReader reader) =>
        system.Provider.ResolveActorRef(reader.ReadString());
}
