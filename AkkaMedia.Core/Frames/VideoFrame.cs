namespace AkkaMedia.Frames;

/// <summary>
/// One uncompressed picture. <see cref="Data"/> holds the planes back to back: for packed formats
/// <see cref="Height"/> rows of <see cref="Stride"/> bytes; for <see cref="PixelFormat.I420"/> the
/// Y plane (<see cref="Stride"/> bytes per row) followed by the U and V planes, each
/// <c>(Stride + 1) / 2</c> bytes per row and <c>(Height + 1) / 2</c> rows.
/// </summary>
/// <remarks>The frame owns <see cref="Data"/> and never changes it; a producer must not reuse the buffer.</remarks>
public sealed class VideoFrame : IMediaFrame, IEquatable<VideoFrame>
{
    /// <summary>Creates a frame over <paramref name="data"/> without copying it.</summary>
    /// <param name="data">The planes; at least <see cref="RequiredLength"/> bytes.</param>
    /// <param name="width">Pixels per row; positive.</param>
    /// <param name="height">Rows; positive.</param>
    /// <param name="format">Pixel layout of <paramref name="data"/>.</param>
    /// <param name="stride">Bytes per row of the first plane; 0 means the tight minimum for the width.</param>
    /// <param name="sequence">Position of the frame in its stream.</param>
    /// <param name="timestamp">Presentation time relative to the start of the stream.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A dimension is not positive, the stride is too small, the buffer too short or the picture larger than 2 GB.
    /// </exception>
    public VideoFrame(ReadOnlyMemory<byte> data, int width, int height, PixelFormat format, int stride = 0, long sequence = 0, TimeSpan timestamp = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var minStride = MinimumStride(format, width);
        if (stride == 0)
        {
            stride = minStride;
        }

        if (stride < minStride)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{format} at width {width} needs a stride of at least {minStride} bytes.");
        }

        var required = RequiredLength(format, height, stride);
        if (data.Length < required)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"{format} {width}x{height} with stride {stride} needs {required} bytes.");
        }

        Data = data;
        Width = width;
        Height = height;
        Format = format;
        Stride = stride;
        Sequence = sequence;
        Timestamp = timestamp;
    }

    /// <summary>The planes, laid out as described on the type.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Pixel layout of <see cref="Data"/>.</summary>
    public PixelFormat Format { get; }

    /// <summary>Bytes per row of the first plane (the Y plane for I420).</summary>
    public int Stride { get; }

    /// <inheritdoc />
    public long Sequence { get; }

    /// <inheritdoc />
    public TimeSpan Timestamp { get; }

    /// <summary>A short description such as <c>I420 640x480</c>, used in error messages.</summary>
    public string Description => $"{Format} {Width}x{Height}";

    /// <summary>The smallest stride, in bytes, for a row of <paramref name="width"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="format"/> is not a known format, or a row of <paramref name="width"/> pixels is larger than 2 GB.
    /// </exception>
    public static int MinimumStride(PixelFormat format, int width)
    {
        var bytes = format switch
        {
            PixelFormat.I420 or PixelFormat.Gray8 => (long)width,
            PixelFormat.Rgb24 => width * 3L,
            PixelFormat.Rgba32 => width * 4L,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
        };
        return bytes <= int.MaxValue
            ? (int)bytes
            : throw new ArgumentOutOfRangeException(nameof(width), width, $"A row of {width} {format} pixels does not fit in a 2 GB buffer.");
    }

    /// <summary>Bytes needed for a picture of <paramref name="height"/> rows at <paramref name="stride"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="format"/> is not a known format, or the picture is larger than 2 GB.
    /// </exception>
    public static int RequiredLength(PixelFormat format, int height, int stride)
    {
        var bytes = format switch
        {
            PixelFormat.I420 => ((long)stride * height) + (2L * ((stride + 1L) / 2) * ((height + 1L) / 2)),
            PixelFormat.Gray8 or PixelFormat.Rgb24 or PixelFormat.Rgba32 => (long)stride * height,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
        };
        return bytes <= int.MaxValue
            ? (int)bytes
            : throw new ArgumentOutOfRangeException(nameof(height), height, $"A {format} picture of {height} rows at stride {stride} does not fit in a 2 GB buffer.");
    }

    /// <summary>Value equality: same geometry, format, sequence, timestamp and identical bytes.</summary>
    public bool Equals(VideoFrame? other) =>
        other is not null
        && Width == other.Width && Height == other.Height && Format == other.Format && Stride == other.Stride
        && Sequence == other.Sequence && Timestamp == other.Timestamp
        && Data.Span.SequenceEqual(other.Data.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as VideoFrame);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Width, Height, Format, Stride, Sequence, Timestamp);

    /// <inheritdoc />
    public override string ToString() => $"VideoFrame(#{Sequence}, {Description}, stride {Stride} @ {Timestamp.TotalMilliseconds:0.###} ms)";
}
