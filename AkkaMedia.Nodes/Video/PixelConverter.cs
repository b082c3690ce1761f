using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Video;

/// <summary>
/// Converts pictures between the four pixel formats into a new tightly packed buffer; the source
/// frame is only read. Colour rules are those of <see cref="Bt601"/>.
/// </summary>
internal static class PixelConverter
{
    /// <summary>
    /// Returns <paramref name="source"/> itself when it already has <paramref name="target"/> format,
    /// otherwise a new frame with the same geometry, sequence and timestamp.
    /// </summary>
    public static VideoFrame Convert(VideoFrame source, PixelFormat target)
    {
        if (source.Format == target)
        {
            return source;
        }

        var stride = VideoFrame.MinimumStride(target, source.Width);
        var buffer = new byte[VideoFrame.RequiredLength(target, source.Height, stride)];
        if (source.Format == PixelFormat.I420)
        {
            FromI420(source, buffer, target);
        }
        else if (target == PixelFormat.I420)
        {
            ToI420(source, buffer);
        }
        else
        {
            PackedToPacked(source, buffer, target);
        }

        return new VideoFrame(buffer, source.Width, source.Height, target, stride, source.Sequence, source.Timestamp);
    }

    private static void PackedToPacked(VideoFrame source, byte[] destination, PixelFormat target)
    {
        var src = source.Data.Span;
        var sb = I420Layout.BytesPerPixel(source.Format);
        var db = I420Layout.BytesPerPixel(target);
        var dstStride = source.Width * db;
        for (var y = 0; y < source.Height; y++)
        {
            var s = src.Slice(y * source.Stride, source.Width * sb);
            var d = destination.AsSpan(y * dstStride, dstStride);
            for (var x = 0; x < source.Width; x++)
            {
                var si = x * sb;
                int r, g, b;
                if (sb == 1)
                {
                    r = g = b = s[si];
                }
                else
                {
                    r = s[si];
                    g = s[si + 1];
                    b = s[si + 2];
                }

                var di = x * db;
                if (db == 1)
                {
                    d[di] = Bt601.Luma(r, g, b);
                    continue;
                }

                d[di] = (byte)r;
                d[di + 1] = (byte)g;
                d[di + 2] = (byte)b;
                if (db == 4)
                {
                    d[di + 3] = sb == 4 ? s[si + 3] : (byte)255;
                }
            }
        }
    }

    private static void FromI420(VideoFrame source, byte[] destination, PixelFormat target)
    {
        var src = source.Data.Span;
        var width = source.Width;
        var chromaStride = I420Layout.ChromaStride(source.Stride);
        var uPlane = src[I420Layout.UOffset(source.Stride, source.Height)..];
        var vPlane = src[I420Layout.VOffset(source.Stride, source.Height)..];
        var db = I420Layout.BytesPerPixel(target);
        var dstStride = width * db;
        for (var y = 0; y < source.Height; y++)
        {
            var yRow = src.Slice(y * source.Stride, width);
            var d = destination.AsSpan(y * dstStride, dstStride);
            if (db == 1)
            {
                for (var x = 0; x < width; x++)
                {
                    d[x] = Bt601.LumaFromY(yRow[x]);
                }

                continue;
            }

            var uRow = uPlane.Slice((y >> 1) * chromaStride);
            var vRow = vPlane.Slice((y >> 1) * chromaStride);
            for (var x = 0; x < width; x++)
            {
                Bt601.ToRgb(yRow[x], uRow[x >> 1], vRow[x >> 1], out var r, out var g, out var b);
                var di = x * db;
                d[di] = r;
                d[di + 1] = g;
                d[di + 2] = b;
                if (db == 4)
                {
                    d[di + 3] = 255;
                }
            }
        }
    }

    private static void ToI420(VideoFrame source, byte[] destination)
    {
        var src = source.Data.Span;
        var width = source.Width;
        var height = source.Height;
        var sb = I420Layout.BytesPerPixel(source.Format);
        var dst = destination.AsSpan();

        // Luma: one sample per pixel.
        for (var y = 0; y < height; y++)
        {
            var s = src.Slice(y * source.Stride, width * sb);
            var d = dst.Slice(y * width, width);
            if (sb == 1)
            {
                for (var x = 0; x < width; x++)
                {
                    d[x] = Bt601.Y(s[x], s[x], s[x]);
                }
            }
            else
            {
                for (var x = 0; x < width; x++)
                {
                    var si = x * sb;
                    d[x] = Bt601.Y(s[si], s[si + 1], s[si + 2]);
                }
            }
        }

        // Chroma: the mean RGB of each 2x2 block (fewer pixels at an odd right or bottom edge).
        var chromaWidth = I420Layout.ChromaWidth(width);
        var chromaHeight = I420Layout.ChromaHeight(height);
        var uPlane = dst.Slice(I420Layout.UOffset(width, height), chromaWidth * chromaHeight);
        var vPlane = dst.Slice(I420Layout.VOffset(width, height), chromaWidth * chromaHeight);
        for (var cy = 0; cy < chromaHeight; cy++)
        {
            var y0 = cy * 2;
            var rows = y0 + 1 < height ? 2 : 1;
            for (var cx = 0; cx < chromaWidth; cx++)
            {
                var x0 = cx * 2;
                var columns = x0 + 1 < width ? 2 : 1;
                int r = 0, g = 0, b = 0;
                for (var dy = 0; dy < rows; dy++)
                {
                    var s = src.Slice((y0 + dy) * source.Stride);
                    for (var dx = 0; dx < columns; dx++)
                    {
                        var si = (x0 + dx) * sb;
                        if (sb == 1)
                        {
                            r += s[si];
                            g += s[si];
                            b += s[si];
                        }
                        else
                        {
                            r += s[si];
                            g += s[si + 1];
                            b += s[si + 2];
                        }
                    }
                }

                var count = rows * columns;
                var half = count / 2;
                r = (r + half) / count;
                g = (g + half) / count;
                b = (b + half) / count;
                uPlane[(cy * chromaWidth) + cx] = Bt601.U(r, g, b);
                vPlane[(cy * chromaWidth) + cx] = Bt601.V(r, g, b);
            }
        }
    }
}
