using System.Text;

namespace AkkaMedia.Nodes.Tests.IO;

/// <summary>Writes YUV4MPEG2 files byte by byte for the Y4M specs, independently of the product's writer.</summary>
public sealed class Y4mTestFiles : IDisposable
{
    public Y4mTestFiles() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "akkamedia-y4m-" + Guid.NewGuid().ToString("N"));

    /// <summary>Samples per frame of 4:2:0 at the given size: Y plus two half-size planes, rounded up.</summary>
    public static int I420Length(int width, int height) => (width * height) + (2 * ((width + 1) / 2) * ((height + 1) / 2));

    /// <summary>Deterministic pseudo-random frame bytes.</summary>
    public static byte[] Planes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The bytes of a file: the header line, then <c>FRAME\n</c> and the planes of each frame.</summary>
    public static byte[] Build(string header, IEnumerable<byte[]> frames)
    {
        using var file = new MemoryStream();
        file.Write(Encoding.ASCII.GetBytes(header + "\n"));
        foreach (var frame in frames)
        {
            file.Write("FRAME\n"u8);
            file.Write(frame);
        }

        return file.ToArray();
    }

    /// <summary>A path in the folder that does not exist yet.</summary>
    public string NewPath(string name = "clip") => Path.Combine(Folder, $"{name}-{Guid.NewGuid():N}.y4m");

    /// <summary>Writes <paramref name="bytes"/> to a new file and returns its path.</summary>
    public string Write(byte[] bytes, string name = "clip")
    {
        var path = NewPath(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failed spec; the temp folder is cleaned by the system.
        }
    }
}
