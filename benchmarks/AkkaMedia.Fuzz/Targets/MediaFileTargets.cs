using System.Text;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.IO;
using NAudio.Wave;

namespace AkkaMedia.Fuzz.Targets;

/// <summary>The WAV and Y4M file sources, reading an input as a whole file: header, then every frame to the end.</summary>
internal static class MediaFileTargets
{
    /// <summary>At most this many frames are read per input (the inputs are small; a loop past it would be a bug of its own).</summary>
    private const int MaxFrames = 100_000;

    public static FuzzTarget Wav()
    {
        var seeds = new List<byte[]>
        {
            WavBytes(new WaveFormat(16000, 16, 1), 160),
            WavBytes(new WaveFormat(48000, 24, 2), 96),
            WavBytes(WaveFormat.CreateIeeeFloatWaveFormat(44100, 1), 50),
            WavBytes(new WaveFormatExtensible(48000, 16, 2), 40),
        };
        return new FuzzTarget(
            "wav",
            seeds,
            input => ReadAll(new WavFileSource(() => new MemoryStream(input, writable: false), "fuzz.wav", samplesPerFrame: 32)),
            [typeof(InvalidDataException), typeof(NotSupportedException)],
            FuzzTargets.Words("RIFF", "WAVE", "fmt ", "data", "LIST", "fact", "JUNK", "ds64", "RF64"));
    }

    public static FuzzTarget Y4m()
    {
        var seeds = new List<byte[]>
        {
            Y4mBytes("YUV4MPEG2 W4 H4 F25:1 Ip A1:1 C420jpeg", 24, 2),
            Y4mBytes("YUV4MPEG2 W3 H2 F30000:1001 Cmono", 6, 3),
            Y4mBytes("YUV4MPEG2 W2 H2 C420 XCOMMENT=1", 6, 1),
        };
        return new FuzzTarget(
            "y4m",
            seeds,
            input => ReadAll(new Y4mFileSource(() => new MemoryStream(input, writable: false), "fuzz.y4m")),
            [typeof(InvalidDataException)],
            FuzzTargets.Words("YUV4MPEG2 ", "FRAME\n", "FRAME ", " W", " H", " F", " C420", " Cmono", " C444", " Ip", " A1:1", " X", "0:0", "2147483647", "\n"));
    }

    private static void ReadAll<T>(SourceNode<T> source)
    {
        using (source)
        {
            source.Initialize(NodeContext.Detached("fuzz"));
            var output = new Discard<T>();
            for (var i = 0; i < MaxFrames && source.Produce(output); i++)
            {
            }
        }
    }

    private static byte[] WavBytes(WaveFormat format, int blocks)
    {
        var stream = new MemoryStream();
        using (var writer = new WaveFileWriter(new NonClosing(stream), format))
        {
            var data = new byte[blocks * format.BlockAlign];
            new Random(blocks).NextBytes(data);
            writer.Write(data, 0, data.Length);
        }

        return stream.ToArray();
    }

    private static byte[] Y4mBytes(string header, int frameLength, int frames)
    {
        var bytes = new List<byte>(Encoding.ASCII.GetBytes(header + "\n"));
        for (var i = 0; i < frames; i++)
        {
            bytes.AddRange("FRAME\n"u8.ToArray());
            bytes.AddRange(Enumerable.Range(0, frameLength).Select(b => (byte)(b * 7)));
        }

        return [.. bytes];
    }

    /// <summary>Drops every element; audio frames go back to their pool.</summary>
    private sealed class Discard<T> : INodeOutput<T>
    {
        public void Emit(T element) => (element as AudioFrame)?.Release();
    }

    /// <summary>Keeps the memory stream open when NAudio's writer closes it, so the bytes can be taken.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
