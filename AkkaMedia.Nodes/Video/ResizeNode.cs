using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Video;

/// <summary>
/// Scales every picture to a fixed size with bilinear interpolation, in any of the four pixel
/// formats (I420 plane by plane, the chroma planes at half size rounded up).
/// </summary>
/// <remarks>
/// <para>Sampling aligns pixel centres (the corners of the picture map onto each other) and clamps
/// at the edges, so a constant picture stays constant. Weights are 8-bit fixed point and results
/// are rounded to nearest. No low-pass filter is applied before a downscale: shrinking by more than
/// half aliases fine detail.</para>
/// <para>Buffers: each resized frame gets a new, tightly packed buffer; the input frame is only
/// read. A frame that already has the target size is passed on as the same instance. Pixel format,
/// sequence and timestamp are kept. At end of stream nothing is buffered.</para>
/// </remarks>
public sealed class ResizeNode : Node<VideoFrame, VideoFrame>
{
    private BilinearAxis? _x;
    private BilinearAxis? _y;
    private BilinearAxis? _chromaX;
    private BilinearAxis? _chromaY;

    /// <summary>Creates a resizer to <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is not positive.</exception>
    public ResizeNode(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
    }

    /// <summary>Width of every emitted frame, in pixels.</summary>
    public int Width { get; }

    /// <summary>Height of every emitted frame, in pixels.</summary>
    public int Height { get; }

    /// <inheritdoc />
    public override void Process(VideoFrame input, INodeOutput<VideoFrame> output)
    {
        if (input.Width == Width && input.Height == Height)
        {
            output.Emit(input);
            return;
        }

        var format = input.Format;
        var stride = VideoFrame.MinimumStride(format, Width);
        var buffer = new byte[VideoFrame.RequiredLength(format, Height, stride)];
        var source = input.Data.Span;
        var x = _x is not null && _x.Fits(input.Width, Width) ? _x : _x = new BilinearAxis(input.Width, Width);
        var y = _y is not null && _y.Fits(input.Height, Height) ? _y : _y = new BilinearAxis(input.Height, Height);
        if (format != PixelFormat.I420)
        {
            BilinearAxis.Scale(source, input.Stride, buffer, stride, I420Layout.BytesPerPixel(format), x, y);
        }
        else
        {
            BilinearAxis.Scale(source, input.Stride, buffer, stride, 1, x, y);
            var inChromaWidth = I420Layout.ChromaWidth(input.Width);
            var inChromaHeight = I420Layout.ChromaHeight(input.Height);
            var outChromaWidth = I420Layout.ChromaWidth(Width);
            var outChromaHeight = I420Layout.ChromaHeight(Height);
            var cx = _chromaX is not null && _chromaX.Fits(inChromaWidth, outChromaWidth)
                ? _chromaX
                : _chromaX = new BilinearAxis(inChromaWidth, outChromaWidth);
            var cy = _chromaY is not null && _chromaY.Fits(inChromaHeight, outChromaHeight)
                ? _chromaY
                : _chromaY = new BilinearAxis(inChromaHeight, outChromaHeight);
            var inChromaStride = I420Layout.ChromaStride(input.Stride);
            var outChromaStride = I420Layout.ChromaStride(stride);
            BilinearAxis.Scale(
                source[I420Layout.UOffset(input.Stride, input.Height)..], inChromaStride,
                buffer.AsSpan(I420Layout.UOffset(stride, Height)), outChromaStride, 1, cx, cy);
            BilinearAxis.Scale(
                source[I420Layout.VOffset(input.Stride, input.Height)..], inChromaStride,
                buffer.AsSpan(I420Layout.VOffset(stride, Height)), outChromaStride, 1, cx, cy);
        }

        output.Emit(new VideoFrame(buffer, Width, Height, format, stride, input.Sequence, input.Timestamp));
    }
}
