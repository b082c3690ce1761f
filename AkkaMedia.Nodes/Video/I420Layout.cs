using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Video;

/// <summary>
/// Where the planes of an <see cref="PixelFormat.I420"/> <see cref="VideoFrame"/> sit in its buffer:
/// Y at offset 0 with <c>stride</c> bytes per row, then U and V with <c>(stride + 1) / 2</c> bytes per
/// row and <c>(height + 1) / 2</c> rows each.
/// </summary>
internal static class I420Layout
{
    public static int ChromaWidth(int width) => (width + 1) / 2;

    public static int ChromaHeight(int height) => (height + 1) / 2;

    public static int ChromaStride(int stride) => (stride + 1) / 2;

    public static int UOffset(int stride, int height) => stride * height;

    public static int VOffset(int stride, int height) => (stride * height) + (ChromaStride(stride) * ChromaHeight(height));

    /// <summary>Bytes per pixel of a packed format (Gray8, RGB24, RGBA32).</summary>
    public static int BytesPerPixel(PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.Rgb24 => 3,
        PixelFormat.Rgba32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a packed pixel format."),
    };
}
