using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.IO;

/// <summary>
/// Reads an uncompressed YUV4MPEG2 (<c>.y4m</c>) file frame by frame.
/// </summary>
/// <remarks>
/// <para>Colour spaces: <c>C420</c>, <c>C420jpeg</c> (the default when the tag is absent),
/// <c>C420paldv</c> and <c>C420mpeg2</c> are read as <see cref="PixelFormat.I420"/> (chroma siting is
/// not carried); <c>Cmono</c> as <see cref="PixelFormat.Gray8"/>. The bytes of each frame are passed
/// on exactly as stored, with a tight stride; no range conversion is applied. Other colour spaces
/// (4:2:2, 4:4:4, alpha, more than 8 bits) are refused.</para>
/// <para>Frame <c>n</c> (from 0) has sequence <c>n</c> and timestamp <c>n × d / f</c> seconds for a
/// rate tag <c>Ff:d</c>; a file without a rate (or <c>F0:0</c>) is read at 25 fps. Interlacing and
/// aspect tags are ignored. The source does not pace itself: it reads a frame whenever downstream
/// asks.</para>
/// <para>The file is opened and its header checked in <see cref="Initialize"/>, and closed when the
/// stream stops for any reason. A missing file, a file that is not YUV4MPEG2, a malformed frame
/// header or a frame cut short fails the stream with an exception whose message names the path and
/// what was wrong (<see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/>).
/// A file that ends exactly after a whole frame completes the stream.</para>
/// </remarks>
public sealed class Y4mFileSource : SourceNode<VideoFrame>
{
    private static readonly byte[] FrameTag = "FRAME"u8.ToArray();

    private byte[] _line = new byte[256];
    private readonly Func<Stream>? _open;
    private Stream? _stream;
    private Y4mHeader? _header;
    private long _next;

    /// <summary>Creates a source reading <paramref name="path"/>; nothing is opened until the stream starts.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    public Y4mFileSource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>Test seam: reads the Y4M bytes <paramref name="open"/> returns (the source disposes that stream), named <paramref name="name"/> in messages.</summary>
    internal Y4mFileSource(Func<Stream> open, string name)
        : this(name) => _open = open;

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        if (_open is null && !File.Exists(Path))
        {
            throw new FileNotFoundException($"Y4M file '{Path}' does not exist.", Path);
        }

        _stream = _open is null ? new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024) : _open();
        Span<byte> start = stackalloc byte[Y4mHeader.Signature.Length + 1];
        var got = _stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            throw Corrupt("the file is empty");
        }

        if (got < start.Length || !start[..^1].SequenceEqual(Y4mHeader.SignatureBytes)
            || (start[^1] != (byte)' ' && start[^1] != (byte)'\n'))
        {
            throw Corrupt($"it does not start with the {Y4mHeader.Signature} signature");
        }

        _stream.Position = 0;
        var length = ReadLine(out var ended);
        if (ended)
        {
            throw Corrupt("the header line is not terminated by a newline");
        }

        _header = Y4mHeader.Parse(_line.AsSpan(0, length), out var problem) ?? throw Corrupt(problem!);
    }

    /// <inheritdoc />
    public override bool Produce(INodeOutput<VideoFrame> output)
    {
        var header = _header ?? throw new InvalidOperationException("The source was not initialized.");
        var length = ReadLine(out var ended);
        if (length < 0)
        {
            return false;
        }

        if (ended)
        {
            throw Corrupt($"the file is truncated: the header of frame {_next} is cut short");
        }

        var line = _line.AsSpan(0, length);
        if (!line.StartsWith(FrameTag) || (line.Length > FrameTag.Length && line[FrameTag.Length] != (byte)' '))
        {
            throw Corrupt($"frame {_next} does not start with a FRAME marker");
        }

        // The header's picture size is outside bytes: a file too short for the frame fails before its buffer is allocated.
        if (_stream!.CanSeek && _stream.Length - _stream.Position < header.FrameLength)
        {
            throw Corrupt($"the file is truncated: frame {_next} has {_stream.Length - _stream.Position} of its {header.FrameLength} bytes");
        }

        var data = new byte[header.FrameLength];
        var read = _stream!.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw Corrupt($"the file is truncated: frame {_next} has {read} of its {data.Length} bytes");
        }

        var index = _next++;
        output.Emit(new VideoFrame(data, header.Width, header.Height, header.Format, 0, index, header.TimestampOf(index)));
        return true;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    /// <summary>
    /// Reads up to a newline into <see cref="_line"/> and returns its length without the newline, or
    /// -1 at a clean end of file; <paramref name="ended"/> is true when the file ended inside the line.
    /// </summary>
    private int ReadLine(out bool ended)
    {
        ended = false;
        var length = 0;
        while (true)
        {
            var next = _stream!.ReadByte();
            if (next < 0)
            {
                ended = length > 0;
                return length > 0 ? length : -1;
            }

            if (next == '\n')
            {
                return length;
            }

            if (length == _line.Length)
            {
                if (length >= Y4mHeader.MaxLineLength)
                {
                    throw Corrupt($"a header line is longer than {Y4mHeader.MaxLineLength} bytes");
                }

                Array.Resize(ref _line, length * 2);
            }

            _line[length++] = (byte)next;
        }
    }

    private InvalidDataException Corrupt(string what) => new($"Y4M file '{Path}' is not valid: {what}.");
}
