using System.Text;

namespace AkkaMedia.Deployment;

/// <summary>
/// The bytes a <see cref="PackageSignature"/> signs: a fixed header, the entry assembly's name, then each entry's name,
/// version, SHA-256 (32 raw bytes) and length (negated for a native library, so the signature covers each entry's kind
/// while a manifest of assemblies only signs the same bytes as before), in manifest order. Strings are length-prefixed UTF-8, so no choice of
/// names can make two different manifests write the same bytes.
/// </summary>
internal static class PackageManifest
{
    private const string Header = "akka-media/package-manifest/1";

    /// <summary>The signed bytes of the package <paramref name="entryAssembly"/> with <paramref name="entries"/>.</summary>
    public static byte[] ToSign(string entryAssembly, IReadOnlyList<PackageEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entryAssembly);
        ArgumentNullException.ThrowIfNull(entries);
        using var stream = new MemoryStream(64 + (entries.Count * 80));
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Header);
            writer.Write(entryAssembly);
            writer.Write7BitEncodedInt(entries.Count);
            foreach (var entry in entries)
            {
                writer.Write(entry.Name);
                writer.Write(entry.Version);
                writer.Write(Convert.FromHexString(entry.Sha256));
                writer.Write(entry.WireLength);
            }
        }

        return stream.ToArray();
    }
}
