using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Video;

/// <summary>
/// Produces a deterministic moving test picture: eight full-intensity colour bars (white, yellow,
/// cyan, green, magenta, red, blue, black) over the top three quarters, a grey ramp from black to
/// white below, and an orange box that moves right by 4 pixels per frame over the bars, wrapping
/// at the right edge.
/// </summary>
/// <remarks>
/// <para>Frame <c>n</c> (from 0) has sequence <c>n</c> and timestamp <c>n / framesPerSecond</c>
/// seconds (rounded to the nearest tick). The source does not pace itself: it produces a frame
/// whenever downstream asks, as fast as it asks. Add a throttle for real-time playback.</para>
/// <para>Every edge of the pattern lies on an even pixel coordinate, so each 2x2 block has one
/// colour and the I420 chroma of the pattern is exact. Colours in I420 follow
/// <see cref="PixelFormatConvertNode"/> (BT.601 limited range). Each frame has its own new buffer.</para>
/// </remarks>
public sealed class TestPatternSource : SourceNode<VideoFrame>
{
    private static readonly (byte R, byte G, byte B)[] Bars =
    [
        (255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
        (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0),
    ];

    private static readonly (byte R, byte G, byte B) BoxColour = (255, 128, 0);

    private readonly int _width;
    private readonly int _height;
    private readonly PixelFormat _format;
    private readonly double _framesPerSecond;
    private readonly int? _frameCount;
    private readonly int _barsHeight;
    private readonly int _boxSize;
    private readonly int _boxTop;
    private long _next;

    /// <summary>Creates a test pattern source.</summary>
    /// <param name="width">Picture width in pixels; positive.</param>
    /// <param name="height">Picture height in pixels; positive.</param>
    /// <param name="format">Pixel format of the produced frames.</param>
    /// <param name="framesPerSecond">Rate that sets the timestamps; positive and finite.</param>
    /// <param name="frameCount">Frames to produce before completing; null for an endless stream.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range described above,
    /// the format is not defined, or <paramref name="frameCount"/> is negative.</exception>
    public TestPatternSource(int width, int height, PixelFormat format = PixelFormat.I420, double framesPerSecond = 30, int? frameCount = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format.");
        }

        if (!double.IsFinite(framesPerSecond) || framesPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "The frame rate must be a positive, finite number.");
        }

        if (frameCount is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameCount), frameCount, "The frame count cannot be negative.");
        }

        _width = width;
        _height = height;
        _format = format;
        _framesPerSecond = framesPerSecond;
        _frameCount = frameCount;
        _barsHeight = (height * 3 / 4) & ~1;
        _boxSize = Math.Min(_barsHeight, Math.Min(width, height) / 4) & ~1;
        _boxTop = ((_barsHeight - _boxSize) / 2) & ~1;
    }

    /// <inheritdoc />
    public override bool Produce(INodeOutput<VideoFrame> output)
    {
        if (_frameCount is { } count && _next >= count)
        {
            return false;
        }

        var n = _next++;
        output.Emit(Render(n));
        return true;
    }

    private VideoFrame Render(long n)
    {
        var stride = VideoFrame.MinimumStride(_format, _width);
        var buffer = new byte[VideoFrame.RequiredLength(_format, _height, stride)];
        var travel = _width - _boxSize;
        var boxLeft = travel > 0 ? (int)((n * 4) % (travel + 1)) & ~1 : 0;
        if (_format == PixelFormat.I420)
        {
            RenderI420(buffer, boxLeft);
        }
        else
        {
            RenderPacked(buffer, stride, I420Layout.BytesPerPixel(_format), boxLeft);
        }

        var timestamp = TimeSpan.FromTicks((long)Math.Round(n * TimeSpan.TicksPerSecond / _framesPerSecond));
        return new VideoFrame(buffer, _width, _height, _format, stride, n, timestamp);
    }

    private void RenderPacked(byte[] buffer, int stride, int bytesPerPixel, int boxLeft)
    {
        for (var y = 0; y < _height; y++)
        {
            var row = buffer.AsSpan(y * stride, stride);
            for (var x = 0; x < _width; x++)
            {
                var (r, g, b) = ColourAt(x, y, boxLeft);
                var i = x * bytesPerPixel;
                if (bytesPerPixel == 1)
                {
                    row[i] = Bt601.Luma(r, g, b);
                    continue;
                }

                row[i] = r;
                row[i + 1] = g;
                row[i + 2] = b;
                if (bytesPerPixel == 4)
                {
                    row[i + 3] = 255;
                }
            }
        }
    }

    private void RenderI420(byte[] buffer, int boxLeft)
    {
        for (var y = 0; y < _height; y++)
        {
            var row = buffer.AsSpan(y * _width, _width);
            for (var x = 0; x < _width; x++)
            {
                var (r, g, b) = ColourAt(x, y, boxLeft);
                row[x] = Bt601.Y(r, g, b);
            }
        }

        var chromaWidth = I420Layout.ChromaWidth(_width);
        var chromaHeight = I420Layout.ChromaHeight(_height);
        var u = buffer.AsSpan(I420Layout.UOffset(_width, _height));
        var v = buffer.AsSpan(I420Layout.VOffset(_width, _height));
        for (var cy = 0; cy < chromaHeight; cy++)
        {
            for (var cx = 0; cx < chromaWidth; cx++)
            {
                // Each 2x2 block has one colour: sample its top-left pixel.
                var (r, g, b) = ColourAt(cx * 2, cy * 2, boxLeft);
                u[(cy * chromaWidth) + cx] = Bt601.U(r, g, b);
                v[(cy * chromaWidth) + cx] = Bt601.V(r, g, b);
            }
        }
    }

    private (byte R, byte G, byte B) ColourAt(int x, int y, int boxLeft)
    {
        var evenX = x & ~1;
        var evenY = y & ~1;
        if (evenY >= _barsHeight)
        {
            var lastPair = (_width - 1) & ~1;
            var grey = (byte)(lastPair > 0 ? evenX * 255 / lastPair : 128);
            return (grey, grey, grey);
        }

        if (evenX >= boxLeft && evenX < boxLeft + _boxSize && evenY >= _boxTop && evenY < _boxTop + _boxSize)
        {
            return BoxColour;
        }

        return Bars[Math.Min(7, evenX * 8 / _width)];
    }
}
