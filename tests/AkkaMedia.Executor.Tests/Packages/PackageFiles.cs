using System.Security.Cryptography;
using AkkaMedia.Deployment;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Tests.Packages;

/// <summary>Temporary folders and content for package specs; deletes its folders on dispose.</summary>
public sealed class PackageFiles : IDisposable
{
    private readonly List<string> _folders = [];

    /// <summary>Build output of the DeployFixture.Plugin user library (plugin, helper, Humanizer), copied beside the tests.</summary>
    public static string FixtureFolder { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures", "DeployFixture.Plugin");

    public string NewFolder(string purpose)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"akka-media-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    /// <summary>An entry named <paramref name="name"/> of <paramref name="length"/> pseudo-random bytes (seeded by the name), with its bytes.</summary>
    public static (PackageEntry Entry, byte[] Bytes) Blob(string name, int length)
    {
        var bytes = new byte[length];
        new Random(name.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        return (new PackageEntry(name, "1.0.0.0", Convert.ToHexStringLower(SHA256.HashData(bytes)), length), bytes);
    }

    /// <summary>A client-side package of the given blobs, written to a new folder.</summary>
    public CodePackage Package(params (PackageEntry Entry, byte[] Bytes)[] blobs)
    {
        var folder = NewFolder("client");
        var files = blobs.Select(b =>
        {
            var path = Path.Combine(folder, b.Entry.FileName);
            File.WriteAllBytes(path, b.Bytes);
            return (b.Entry, path);
        }).ToArray();
        return new CodePackage(blobs[0].Entry.Name, files);
    }

    /// <summary>The chunks a client would send for <paramref name="blobs"/>.</summary>
    internal static IReadOnlyList<PackageChunk> Chunks(params (PackageEntry Entry, byte[] Bytes)[] blobs) =>
        blobs.SelectMany((b, index) => b.Bytes.Chunk(PackageChunk.MaxBytes).Select(bytes => new PackageChunk(index, bytes))).ToArray();

    public void Dispose()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
