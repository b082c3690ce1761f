using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.Streams;
using AkkaMedia.Deployment;
using AkkaMedia.Protocol;

namespace AkkaMedia.Serialization;

/// <summary>
/// Writes the code-upload messages between a client and an executor's package store as compact binary: hashes as
/// 32 raw bytes, lengths and counts 7-bit encoded, strings length-prefixed UTF-8, a chunk as its entry index followed
/// by its bytes (one copy, no framing per byte), the chunk stream's <see cref="ISourceRef{T}"/> through Akka.Streams'
/// own serializer.
/// </summary>
/// <remarks>A truncated or corrupt payload, or an unknown manifest, raises <see cref="SerializationException"/>.</remarks>
internal sealed class DeploymentSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer identifier registered in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int SerializerIdentifier = 7303;

    private const string OfferManifest = "PO";
    private const string NeedsManifest = "PN";
    private const string UploadManifest = "PU";
    private const string ChunkManifest = "PC";
    private const string UploadedManifest = "PD";
    private const string RejectedManifest = "PR";
    private const int HashBytes = 32;

    /// <summary>Called by Akka's serialization extension.</summary>
    public DeploymentSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerIdentifier;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        OfferPackage => OfferManifest,
        PackageNeeds => NeedsManifest,
        UploadPackage => UploadManifest,
        PackageChunk => ChunkManifest,
        PackageUploaded => UploadedManifest,
        PackageRejected => RejectedManifest,
        _ => throw new SerializationException($"{nameof(DeploymentSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        if (obj is PackageChunk chunk)
        {
            return ChunkToBinary(chunk);
        }

        using var stream = new MemoryStream(256);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case OfferPackage m:
                    writer.Write(m.UploadId);
                    writer.Write(m.EntryAssembly);
                    WriteEntries(writer, m.Entries);
                    if (m.Signature is { } signature)
                    {
                        WriteSignature(writer, signature);
                    }

                    break;
                case PackageNeeds m:
                    writer.Write(m.UploadId);
                    writer.Write7BitEncodedInt(m.Missing.Count);
                    foreach (var hash in m.Missing)
                    {
                        WriteHash(writer, hash);
                    }

                    break;
                case UploadPackage m:
                    writer.Write(m.UploadId);
                    WriteEntries(writer, m.Entries);
                    WriteNested(writer, m.Chunks);
                    break;
                case PackageUploaded m:
                    writer.Write(m.UploadId);
                    writer.Write7BitEncodedInt(m.Entries);
                    writer.Write7BitEncodedInt64(m.Bytes);
                    break;
                case PackageRejected m:
                    writer.Write(m.UploadId);
                    writer.Write(m.Reason);
                    break;
                default:
                    throw new SerializationException($"{nameof(DeploymentSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}.");
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
                OfferManifest => ReadOffer(reader),
                NeedsManifest => new PackageNeeds(reader.ReadString(), ReadHashes(reader)),
                UploadManifest => new UploadPackage(reader.ReadString(), ReadEntries(reader), ReadNested<ISourceRef<PackageChunk>>(reader)),
                ChunkManifest => ReadChunk(reader, bytes),
                UploadedManifest => new PackageUploaded(reader.ReadString(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt64()),
                RejectedManifest => new PackageRejected(reader.ReadString(), reader.ReadString()),
                _ => throw new SerializationException($"Unknown deployment manifest '{manifest}'. Are client and executor on the same AkkaMedia version?"),
            };
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new SerializationException($"Corrupt deployment message '{manifest}': {bytes.Length - reader.BaseStream.Position} unexpected trailing bytes.");
            }

            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException or InvalidCastException)
        {
            throw new SerializationException($"Corrupt deployment message '{manifest}' ({bytes.Length} bytes): {e.Message}", e);
        }
    }

    private static byte[] ChunkToBinary(PackageChunk chunk)
    {
        Span<byte> header = stackalloc byte[5];
        var headerLength = 0;
        for (var value = (uint)chunk.Entry; ; value >>= 7)
        {
            if (value < 0x80)
            {
                header[headerLength++] = (byte)value;
                break;
            }

            header[headerLength++] = (byte)(value | 0x80);
        }

        var result = new byte[headerLength + chunk.Bytes.Length];
        header[..headerLength].CopyTo(result);
        chunk.Bytes.CopyTo(result.AsSpan(headerLength));
        return result;
    }

    /// <summary>An offer; its signature is last and only there when the client signs (older clients never wrote one).</summary>
    private static OfferPackage ReadOffer(BinaryReader reader)
    {
        var offer = new OfferPackage(reader.ReadString(), reader.ReadString(), ReadEntries(reader));
        return reader.BaseStream.Position < reader.BaseStream.Length ? offer with { Signature = ReadSignature(reader) } : offer;
    }

    /// <summary>A package signature (also used by <see cref="ObjectSessionSerializer"/>): key id, then the signature's length and bytes.</summary>
    internal static void WriteSignature(BinaryWriter writer, PackageSignature signature)
    {
        writer.Write(signature.KeyId);
        writer.Write7BitEncodedInt(signature.Value.Length);
        writer.Write(signature.Value);
    }

    /// <summary>Reads what <see cref="WriteSignature"/> wrote.</summary>
    /// <exception cref="SerializationException">The signature is longer than <see cref="PackageSignature.MaxBytes"/> or cut short.</exception>
    internal static PackageSignature ReadSignature(BinaryReader reader)
    {
        var keyId = reader.ReadString();
        var length = reader.Read7BitEncodedInt();
        if (length is <= 0 or > PackageSignature.MaxBytes || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new SerializationException($"Corrupt package signature: {length} bytes.");
        }

        return new PackageSignature(keyId, reader.ReadBytes(length));
    }

    private static PackageChunk ReadChunk(BinaryReader reader, byte[] bytes)
    {
        var entry = reader.Read7BitEncodedInt();
        if (entry < 0)
        {
            throw new SerializationException($"Corrupt package chunk: entry index {entry}.");
        }

        var offset = (int)reader.BaseStream.Position;
        var payload = bytes.AsSpan(offset).ToArray();
        reader.BaseStream.Position = bytes.Length;
        return new PackageChunk(entry, payload);
    }

    /// <summary>
    /// Package entries in the compact layout (also used by <see cref="ObjectSessionSerializer"/>): count, then name, version,
    /// raw hash, length; a native library's length is negated (<see cref="PackageEntry.WireLength"/>).
    /// </summary>
    internal static void WriteEntries(BinaryWriter writer, IReadOnlyList<PackageEntry> entries)
    {
        writer.Write7BitEncodedInt(entries.Count);
        foreach (var entry in entries)
        {
            writer.Write(entry.Name);
            writer.Write(entry.Version);
            WriteHash(writer, entry.Sha256);
            writer.Write7BitEncodedInt64(entry.WireLength);
        }
    }

    /// <summary>Reads what <see cref="WriteEntries"/> wrote.</summary>
    /// <exception cref="SerializationException">The count cannot fit in the rest of the payload.</exception>
    internal static PackageEntry[] ReadEntries(BinaryReader reader)
    {
        var count = ReadCount(reader, minimumBytesEach: HashBytes + 3);
        var entries = new PackageEntry[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = PackageEntry.FromWire(reader.ReadString(), reader.ReadString(), ReadHash(reader), reader.Read7BitEncodedInt64());
        }

        return entries;
    }

    private static string[] ReadHashes(BinaryReader reader)
    {
        var count = ReadCount(reader, minimumBytesEach: HashBytes);
        var hashes = new string[count];
        for (var i = 0; i < count; i++)
        {
            hashes[i] = ReadHash(reader);
        }

        return hashes;
    }

    /// <summary>Reads a count and checks the rest of the payload can hold that many items, so garbage cannot allocate gigabytes.</summary>
    private static int ReadCount(BinaryReader reader, int minimumBytesEach)
    {
        var count = reader.Read7BitEncodedInt();
        var left = reader.BaseStream.Length - reader.BaseStream.Position;
        if (count < 0 || (long)count * minimumBytesEach > left)
        {
            throw new SerializationException($"Corrupt deployment message: {count} items cannot fit in {left} bytes.");
        }

        return count;
    }

    private static void WriteHash(BinaryWriter writer, string sha256)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        if (Convert.FromHexString(sha256, hash, out _, out var written) != System.Buffers.OperationStatus.Done || written != HashBytes)
        {
            throw new SerializationException($"'{sha256}' is not a SHA-256.");
        }

        writer.Write(hash);
    }

    private static string ReadHash(BinaryReader reader)
    {
        var hash = reader.ReadBytes(HashBytes);
        return hash.Length == HashBytes
            ? Convert.ToHexStringLower(hash)
            : throw new EndOfStreamException("A SHA-256 was cut short.");
    }

    private void WriteNested(BinaryWriter writer, object value) => NestedFields.WriteNested(system, writer, value);

    private T ReadNested<T>(BinaryReader reader) => NestedFields.ReadNested<T>(system, reader, "deployment message");
}
