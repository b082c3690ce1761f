using AkkaMedia.Frames;
using AkkaMedia.Nodes.Video;

namespace AkkaMedia.Nodes.IO;

/// <summary>
/// Writes every frame to a YUV4MPEG2 (<c>.y4m</c>) file and passes it on unchanged.
/// </summary>
/// <remarks>
/// <para>Formats: <see cref="PixelFormat.I420"/> frames are written as <c>C420jpeg</c>,
/// <see cref="PixelFormat.Gray8"/> frames as <c>Cmono</c>; their bytes are stored exactly (rows
/// without stride padding), so reading the file back with <see cref="Y4mFileSource"/> gives the same
/// pixels. Any other format, or a frame whose format or size differs from the first frame, fails
/// the stream with a <see cref="FrameFormatException"/> naming the node and both formats.</para>
/// <para>Header: size and format come from the first frame; the frame rate from the difference of
/// the first two timestamps (recognising NTSC rates such as 30000:1001), or from
/// <c>framesPerSecond</c> when the stream has a single frame or its first two timestamps do not
/// increase. The first frame is therefore written when the second arrives (or at end of stream); it
/// is passed downstream at once.</para>
/// <para>File: created (or truncated) in <see cref="Node{TIn,TOut}.Initialize"/>, flushed at end of
/// stream, closed when the stream stops for any reason. An empty stream leaves an empty file; a
/// failed stream leaves the frames written so far. Frames are only read, never changed.</para>
/// </remarks>
public sealed class Y4mFileSink : Node<VideoFrame, VideoFrame>
{
    private static readonly byte[] FrameLine = "FRAME\n"u8.ToArray();

    private FileStream? _stream;
    private VideoFrame? _first;
    private bool _headerWritten;

    /// <summary>Creates a sink writing <paramref name="path"/>.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="framesPerSecond">Frame rate for the header when the timestamps do not give one; positive and finite.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="framesPerSecond"/> is not a positive finite number.</exception>
    public Y4mFileSink(string path, double framesPerSecond = 30)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!double.IsFinite(framesPerSecond) || framesPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "The frame rate must be a positive, finite number.");
        }

        Path = path;
        FramesPerSecond = framesPerSecond;
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>The fallback frame rate of the header, in frames per second.</summary>
    public double FramesPerSecond { get; }

    private FileStream File => _stream ?? throw new InvalidOperationException($"Node '{Name}' was not initialized.");

    /// <inheritdoc />
    public override void Initialize(NodeContext context) =>
        _stream = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);

    /// <inheritdoc />
    public override void Process(VideoFrame input, INodeOutput<VideoFrame> output)
    {
        if (_first is null)
        {
            if (input.Format is not (PixelFormat.I420 or PixelFormat.Gray8))
            {
                throw new FrameFormatException(Name, "I420 or Gray8", input.Description);
            }

            _first = input;
        }
        else
        {
            if (input.Format != _first.Format || input.Width != _first.Width || input.Height != _first.Height)
            {
                throw new FrameFormatException(Name, _first.Description, input.Description);
            }

            if (!_headerWritten)
            {
                var interval = input.Timestamp - _first.Timestamp;
                WriteHeader(interval > TimeSpan.Zero ? TimeSpan.TicksPerSecond / (double)interval.Ticks : FramesPerSecond);
                WriteFrame(_first);
            }

            WriteFrame(input);
        }

        output.Emit(input);
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<VideoFrame> output)
    {
        if (_first is not null && !_headerWritten)
        {
            WriteHeader(FramesPerSecond);
            WriteFrame(_first);
        }

        _stream?.Flush();
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

    private void WriteHeader(double framesPerSecond)
    {
        var (numerator, denominator) = Y4mHeader.RatioOf(framesPerSecond);
        var header = new Y4mHeader(_first!.Width, _first.Height, _first.Format, numerator, denominator);
        File.Write(header.ToBytes());
        _headerWritten = true;
    }

    private void WriteFrame(VideoFrame frame)
    {
        var stream = File;
        stream.Write(FrameLine);
        var data = frame.Data.Span;
        WritePlane(stream, data, frame.Width, frame.Height, frame.Stride);
        if (frame.Format == PixelFormat.I420)
        {
            var chromaWidth = I420Layout.ChromaWidth(frame.Width);
            var chromaHeight = I420Layout.ChromaHeight(frame.Height);
            var chromaStride = I420Layout.ChromaStride(frame.Stride);
            WritePlane(stream, data[I420Layout.UOffset(frame.Stride, frame.Height)..], chromaWidth, chromaHeight, chromaStride);
            WritePlane(stream, data[I420Layout.VOffset(frame.Stride, frame.Height)..], chromaWidth, chromaHeight, chromaStride);
        }
    }

    private static void WritePlane(FileStream stream, ReadOnlySpan<byte> plane, int width, int height, int stride)
    {
        if (stride == width)
        {
            stream.Write(plane[..(width * height)]);
            return;
        }

        for (var y = 0; y < height; y++)
        {
            stream.Write(plane.Slice(y * stride, width));
        }
    }
}
