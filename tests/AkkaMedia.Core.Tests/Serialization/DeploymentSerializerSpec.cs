using System.Reflection;
using System.Runtime.Serialization;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Deployment;
using AkkaMedia.Serialization;
using Xunit.Abstractions;
using AkkaMedia.Protocol;

namespace AkkaMedia.Core.Tests.Serialization;

public sealed class DeploymentSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PackageEntry[] Entries =
    [
        new("User.Plugin", "1.2.3.4", new string('a', 63) + "f", 4608),
        new("Humanizer", "3.0.0.0", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 643_760),
    ];

    public DeploymentSerializerSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
    }

    /// <summary>Every message type of the upload protocol, found by reflection so that a new one cannot be forgotten here.</summary>
    public static TheoryData<string> MessageTypes()
    {
        var data = new TheoryData<string>();
        foreach (var name in MessageTypeNames())
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>The sealed, non-nested types of the package store's protocol (<c>PackageStoreProtocol.cs</c>): its wire messages.</summary>
    private static IEnumerable<string> MessageTypeNames() =>
        typeof(IPackageStoreRequest).Assembly.GetTypes()
            .Where(t => t is { Namespace: "AkkaMedia.Protocol", IsSealed: true, IsNested: false, IsAbstract: false })
            .Where(t => t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .Where(t => typeof(IPackageStoreRequest).IsAssignableFrom(t) || t.Name.StartsWith("Package", StringComparison.Ordinal))
            .Select(t => t.Name);

    [Fact]
    public void The_protocol_must_have_the_six_messages_this_spec_knows()
    {
        Assert.Equal(
            [nameof(OfferPackage), nameof(PackageChunk), nameof(PackageNeeds), nameof(PackageRejected), nameof(PackageUploaded), nameof(UploadPackage)],
            MessageTypeNames().Order());
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public async Task Every_upload_message_must_use_the_deployment_serializer_and_round_trip(string typeName)
    {
        var message = await Create(typeName);
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<DeploymentSerializer>(serializer);
        Assert.Equal(7303, serializer.Identifier);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

        Assert.Equal(message.GetType(), back.GetType());
        switch (message)
        {
            case OfferPackage offer:
                var offerBack = (OfferPackage)back;
                Assert.Equal((offer.UploadId, offer.EntryAssembly), (offerBack.UploadId, offerBack.EntryAssembly));
                Assert.Equal(offer.Entries, offerBack.Entries);
                break;
            case PackageNeeds needs:
                Assert.Equal(needs.UploadId, ((PackageNeeds)back).UploadId);
                Assert.Equal(needs.Missing, ((PackageNeeds)back).Missing);
                break;
            case UploadPackage upload:
                var uploadBack = (UploadPackage)back;
                Assert.Equal(upload.UploadId, uploadBack.UploadId);
                Assert.Equal(upload.Entries, uploadBack.Entries);
                Assert.NotNull(uploadBack.Chunks);
                break;
            case PackageChunk chunk:
                Assert.Equal(chunk.Entry, ((PackageChunk)back).Entry);
                Assert.Equal(chunk.Bytes, ((PackageChunk)back).Bytes);
                break;
            default:
                Assert.Equal(message, back);
                break;
        }
    }

    [Fact]
    public void A_signed_offer_must_round_trip_its_signature_after_the_layout_of_an_unsigned_one()
    {
        var serializer = (DeploymentSerializer)Sys.Serialization.FindSerializerForType(typeof(OfferPackage));
        var unsigned = new OfferPackage("u-1", "User.Plugin", Entries);
        var signed = unsigned with { Signature = new PackageSignature("fedcba9876543210", Enumerable.Range(0, 64).Select(static i => (byte)(i * 3)).ToArray()) };
        var unsignedBytes = serializer.ToBinary(unsigned);
        var signedBytes = serializer.ToBinary(signed);

        var back = (OfferPackage)serializer.FromBinary(signedBytes, serializer.Manifest(signed));

        Assert.Equal(unsignedBytes, signedBytes[..unsignedBytes.Length]);
        Assert.Null(((OfferPackage)serializer.FromBinary(unsignedBytes, serializer.Manifest(unsigned))).Signature);
        Assert.Equal(signed.Signature!.KeyId, back.Signature!.KeyId);
        Assert.Equal(signed.Signature.Value, back.Signature.Value);
        Assert.Equal(signed.Entries, back.Entries);
        Assert.Throws<SerializationException>(() => serializer.FromBinary(signedBytes[..^1], serializer.Manifest(signed)));
    }

    [Fact]
    public void A_native_library_entry_must_round_trip_its_kind_and_leave_the_bytes_of_assembly_entries_as_they_were()
    {
        var serializer = (DeploymentSerializer)Sys.Serialization.FindSerializerForType(typeof(OfferPackage));
        var native = new PackageEntry("libonnxruntime.so", "1.32.0", new string('b', 64), 34_824_680, PackageEntryKind.NativeLibrary);
        var assemblies = new OfferPackage("u-1", "User.Plugin", Entries);
        var withNative = new OfferPackage("u-1", "User.Plugin", [.. Entries, native]);

        var back = (OfferPackage)serializer.FromBinary(serializer.ToBinary(withNative), serializer.Manifest(withNative));
        var assemblyBytes = serializer.ToBinary(assemblies);

        Assert.Equal(withNative.Entries, back.Entries);
        Assert.Equal((PackageEntryKind.NativeLibrary, 34_824_680L, "libonnxruntime.so"), (back.Entries[^1].Kind, back.Entries[^1].Length, back.Entries[^1].FileName));
        Assert.All(back.Entries.Take(Entries.Length), e => Assert.Equal(PackageEntryKind.Assembly, e.Kind));

        // The layout of an assembly entry is the one before native libraries shipped: name, version, hash, 7-bit length.
        using var expected = new MemoryStream();
        using (var writer = new BinaryWriter(expected, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("u-1");
            writer.Write("User.Plugin");
            writer.Write7BitEncodedInt(Entries.Length);
            foreach (var entry in Entries)
            {
                writer.Write(entry.Name);
                writer.Write(entry.Version);
                writer.Write(Convert.FromHexString(entry.Sha256));
                writer.Write7BitEncodedInt64(entry.Length);
            }
        }

        Assert.Equal(expected.ToArray(), assemblyBytes);
    }

    [Fact]
    public void The_signed_manifest_must_cover_an_entry_s_kind_and_keep_the_bytes_of_assembly_only_packages()
    {
        var entry = new PackageEntry("libfoo.so", "1.0.0", new string('c', 64), 100);
        var asNative = new PackageEntry("libfoo.so", "1.0.0", new string('c', 64), 100, PackageEntryKind.NativeLibrary);

        Assert.NotEqual(PackageManifest.ToSign("User.Plugin", [entry]), PackageManifest.ToSign("User.Plugin", [asNative]));
        Assert.Equal(PackageManifest.ToSign("User.Plugin", [entry]), PackageManifest.ToSign("User.Plugin", [new PackageEntry("libfoo.so", "1.0.0", new string('c', 64), 100)]));
        Assert.Equal(100L, BitConverter.ToInt64(PackageManifest.ToSign("User.Plugin", [entry])[^8..]));
        Assert.Equal(-100L, BitConverter.ToInt64(PackageManifest.ToSign("User.Plugin", [asNative])[^8..]));
    }

    [Fact]
    public void A_full_chunk_must_fit_well_within_the_remote_frame_size()
    {
        var serializer = Sys.Serialization.FindSerializerForType(typeof(PackageChunk));
        var bytes = serializer.ToBinary(new PackageChunk(1_000_000, new byte[PackageChunk.MaxBytes]));

        Assert.True(bytes.Length <= PackageChunk.MaxBytes + 5, $"{bytes.Length} bytes");
        Assert.True(bytes.Length < 128_000, "Akka.Remote drops messages over its 128,000-byte frame size");
    }

    [Fact]
    public void Truncated_payloads_and_unknown_manifests_must_be_rejected()
    {
        var serializer = (DeploymentSerializer)Sys.Serialization.FindSerializerForType(typeof(OfferPackage));
        var offer = new OfferPackage("u-1", "User.Plugin", Entries);
        var bytes = serializer.ToBinary(offer);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..length], serializer.Manifest(offer)));
        }

        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "ZZ"));
        Assert.Contains("ZZ", unknown.Message);
    }

    [Fact]
    public void A_count_larger_than_the_payload_can_hold_must_be_rejected_without_allocating_it()
    {
        var serializer = (DeploymentSerializer)Sys.Serialization.FindSerializerForType(typeof(PackageNeeds));
        byte[] payload = [1, (byte)'u', 0xFF, 0xFF, 0xFF, 0xFF, 0x07];

        Assert.Throws<SerializationException>(() => serializer.FromBinary(payload, serializer.Manifest(new PackageNeeds("u", []))));
    }

    private async Task<object> Create(string typeName)
    {
        switch (typeName)
        {
            case nameof(OfferPackage):
                return new OfferPackage("u-1", "User.Plugin", Entries);
            case nameof(PackageNeeds):
                return new PackageNeeds("u-1", [Entries[1].Sha256, Entries[0].Sha256]);
            case nameof(UploadPackage):
                var chunks = await Source.Empty<PackageChunk>().RunWith(StreamRefs.SourceRef<PackageChunk>(), Sys.Materializer());
                return new UploadPackage("u-1", Entries, chunks);
            case nameof(PackageChunk):
                return new PackageChunk(300, Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray());
            case nameof(PackageUploaded):
                return new PackageUploaded("u-1", 2, 648_368);
            case nameof(PackageRejected):
                return new PackageRejected("u-1", "The package is 80 MB, more than this executor accepts.");
            default:
                throw new ArgumentOutOfRangeException(nameof(typeName), typeName, "No sample for this message.");
        }
    }
}
