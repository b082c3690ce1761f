using System.Buffers.Binary;
using System.IO.Compression;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A PNG decoded far enough to judge a screenshot: signature, chunk CRCs, the header, and the pixels of
/// an 8-bit RGB or RGBA non-interlaced image (what Chromium writes). Anything else is refused with a
/// message saying what it is.
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _pixels;
    private readonly int _channels;

    private PngImage(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        _channels = channels;
        _pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Decodes <paramref name="png"/>; throws <see cref="InvalidDataException"/> when it is not a PNG this reads.</summary>
    public static PngImage Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG: the signature is missing.");
        }

        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        var position = Signature.Length;
        var ended = false;
        while (!ended)
        {
            if (position + 12 > png.Length)
            {
                throw new InvalidDataException("The PNG ends before its IEND chunk.");
            }

            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png[position..]));
            var typeAndData = png.Slice(position + 4, 4 + length);
            var type = System.Text.Encoding.ASCII.GetString(typeAndData[..4]);
            var data = typeAndData[4..];
            if (BinaryPrimitives.ReadUInt32BigEndian(png[(position + 8 + length)..]) != Crc32(typeAndData))
            {
                throw new InvalidDataException($"The PNG's {type} chunk fails its CRC.");
            }

            switch (type)
            {
                case "IHDR":
                    width = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data));
                    height = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]));
                    var (bitDepth, colorType, interlace) = (data[8], data[9], data[12]);
                    channels = (bitDepth, colorType, interlace) switch
                    {
                        (8, 2, 0) => 3,
                        (8, 6, 0) => 4,
                        _ => throw new InvalidDataException($"A PNG of bit depth {bitDepth}, color type {colorType}, interlace {interlace}: only 8-bit RGB or RGBA, not interlaced, is read here."),
                    };
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }

            position += 12 + length;
        }

        if (channels == 0)
        {
            throw new InvalidDataException("The PNG has no IHDR chunk.");
        }

        compressed.Position = 0;
        using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        return new PngImage(width, height, channels, Unfilter(raw.ToArray(), width, height, channels));
    }

    /// <summary>The pixel at (<paramref name="x"/>, <paramref name="y"/>) as 0xRRGGBB (alpha ignored).</summary>
    public int Rgb(int x, int y)
    {
        var i = ((y * Width) + x) * _channels;
        return (_pixels[i] << 16) | (_pixels[i + 1] << 8) | _pixels[i + 2];
    }

    /// <summary>How many pixels have each color (alpha ignored).</summary>
    public IReadOnlyDictionary<int, int> Histogram()
    {
        var counts = new Dictionary<int, int>();
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var rgb = Rgb(x, y);
                counts[rgb] = counts.GetValueOrDefault(rgb) + 1;
            }
        }

        return counts;
    }

    // Undoes the per-row filters (PNG spec §9: None, Sub, Up, Average, Paeth).
    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        if (raw.Length != height * (stride + 1))
        {
            throw new InvalidDataException($"The PNG's image data holds {raw.Length} bytes, not the {height * (stride + 1)} of {width}×{height}×{channels}.");
        }

        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var source = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var above = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? row[i - channels] : 0, b = above[i], c = i >= channels ? above[i - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"Row {y} of the PNG has filter type {filter}."),
                };
                row[i] = (byte)(source[i] + predictor);
            }
        }

        return pixels;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
