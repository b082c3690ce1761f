using System.Buffers.Binary;
using System.Text;
using AkkaMedia.Frames;
using AkkaMedia.Serialization;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// Turns one stream element into the payload of a <see cref="LinkMessageKind.Data"/> message and back:
/// <c>[int32 serializer id][byte manifest length][ASCII manifest][bytes]</c>, the serializer being the one the actor
/// system picks for the element's type. Audio frames take a fast path: their samples are written straight into the
/// send buffer and read straight from the receive buffer, with no array of their own. Thread-safe.
/// </summary>
internal sealed class LinkElementCodec
{
    /// <summary>The frame serializer's manifest of audio frames, as it travels.</summary>
    private static ReadOnlySpan<byte> AudioManifest => "A1"u8;

    private readonly Akka.Serialization.Serialization _serialization;

    public LinkElementCodec(Akka.Serialization.Serialization serialization) => _serialization = serialization;

    /// <summary>
    /// Prepares <paramref name="element"/> for the send buffer, on the sending thread and outside any lock: any other
    /// element than an audio frame is serialized here (into an array it owns), an audio frame only measured.
    /// </summary>
    /// <exception cref="ArgumentException">The element's manifest is longer than 255 ASCII characters.</exception>
    public Encoded Encode(object element)
    {
        if (element is AudioFrame audio)
        {
            return new Encoded(audio, FrameSerializer.SerializerIdentifier, null, null, Prefix(AudioManifest.Length) + FrameSerializer.AudioLength(audio));
        }

        var serializer = _serialization.FindSerializerFor(element);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, element);
        var bytes = serializer.ToBinary(element);
        if (manifest.Length > byte.MaxValue)
        {
            throw new ArgumentException($"The manifest of {element.GetType().Name} is {manifest.Length} characters long; a media link carries at most 255.", nameof(element));
        }

        return new Encoded(null, serializer.Identifier, manifest, bytes, Prefix(manifest.Length) + bytes.Length);
    }

    /// <summary>
    /// The element a data payload carries. An audio frame is read from <paramref name="payload"/> directly; other
    /// elements go through the actor system's serializer named by the payload (which gets a copy of the bytes).
    /// </summary>
    /// <exception cref="InvalidDataException">The payload is shorter than its prefix says, or its serializer cannot read
    /// it (the serializer's exception is the inner one); the link then closes as unreadable.</exception>
    public object Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 5 || payload.Length < 5 + payload[4])
        {
            throw new InvalidDataException($"Corrupt data message: {payload.Length} bytes cannot hold a serializer id, a manifest length and the manifest it announces.");
        }

        var serializerId = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var manifestLength = payload[4];
        var manifest = payload.Slice(5, manifestLength);
        var bytes = payload[(5 + manifestLength)..];
        try
        {
            return serializerId == FrameSerializer.SerializerIdentifier && manifest.SequenceEqual(AudioManifest)
                ? FrameSerializer.ReadAudio(bytes)
                : _serialization.Deserialize(bytes.ToArray(), serializerId, Encoding.ASCII.GetString(manifest));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"An element of a data message cannot be read (serializer {serializerId}, manifest '{Encoding.ASCII.GetString(manifest)}'): {e.Message}", e);
        }
    }

    private static int Prefix(int manifestLength) => 4 + 1 + manifestLength;

    /// <summary>
    /// One element ready to be written: its payload's exact <see cref="Length"/> is known before the send buffer is
    /// reserved, and <see cref="WriteTo"/> fills that room. Holds the audio frame or the serialized bytes, unchanged.
    /// </summary>
    internal readonly struct Encoded(AudioFrame? audio, int serializerId, string? manifest, byte[]? bytes, int length)
    {
        /// <summary>Bytes of the data payload, prefix included.</summary>
        public int Length { get; } = length;

        /// <summary>Writes the payload into <paramref name="destination"/>, which holds exactly <see cref="Length"/> bytes.</summary>
        public void WriteTo(Span<byte> destination)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination, serializerId);
            if (audio is not null)
            {
                destination[4] = (byte)AudioManifest.Length;
                AudioManifest.CopyTo(destination[5..]);
                FrameSerializer.WriteAudio(audio, destination[Prefix(AudioManifest.Length)..]);
                return;
            }

            var manifestLength = Encoding.ASCII.GetBytes(manifest!, destination[5..]);
            destination[4] = (byte)manifestLength;
            bytes!.CopyTo(destination[Prefix(manifestLength)..]);
        }
    }
}
