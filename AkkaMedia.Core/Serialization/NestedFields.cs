using System.Runtime.Serialization;
using Akka.Actor;

namespace AkkaMedia.Serialization;

/// <summary>
/// Fields the protocol, deployment and object session serializers share: a value serialized by whatever
/// serializer Akka binds to it (stream refs), and actor references as serialized paths.
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
    /// <exception cref="SerializationException">The length does not fit in the payload, or the value is not a <typeparamref name="T"/>; the message names <paramref name="messageKind"/>.</exception>
    public static T ReadNested<T>(ExtendedActorSystem system, BinaryReader reader, string messageKind)
    {
        var id = reader.ReadInt32();
        var manifest = reader.ReadString();
        var length = reader.Read7BitEncodedInt();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new SerializationException($"Corrupt {messageKind}: nested payload of {length} bytes does not fit.");
        }

        var value = system.Serialization.Deserialize(reader.ReadBytes(length), id, manifest);
        return value is T typed ? typed : throw new SerializationException($"Expected {typeof(T).Name} in {messageKind} but found {value?.GetType().Name ?? "null"}.");
    }

    public static void WriteActorRef(BinaryWriter writer, IActorRef actorRef) =>
        writer.Write(Akka.Serialization.Serialization.SerializedActorPath(actorRef));

    public static IActorRef ReadActorRef(ExtendedActorSystem system, BinaryReader reader) =>
        system.Provider.ResolveActorRef(reader.ReadString());
}
