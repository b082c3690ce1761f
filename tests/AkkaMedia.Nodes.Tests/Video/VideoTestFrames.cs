using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Tests.Video;

/// <summary>Builds and reads test pictures sample by sample, independently of the code under test.</summary>
public static class VideoTestFrames
{
    /// <summary>A packed frame (Gray8, RGB24, RGBA32) whose channel <c>c</c> at (x, y) is <paramref name="sample"/>(x, y, c).</summary>
    public static VideoFrame Packed(PixelFormat format, int width, int height, Func<int, int, int, byte> sample, int padding = 0, long sequence = 0, TimeSpan timestamp = default)
    {
        var channels = Channels(format);
        var stride = (width * channels) + padding;
        var data = new byte[stride * height];
        Array.Fill(data, (byte)0xEE);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    data[(y * stride) + (x * channels) + c] = sample(x, y, c);
                }
            }
        }

        return new VideoFrame(data, width, height, format, stride, sequence, timestamp);
    }

    /// <summary>An I420 frame with Y, U and V samples from the three functions (chroma coordinates are half size).</summary>
    public static VideoFrame I420(int width, int height, Func<int, int, byte> luma, Func<int, int, byte> u, Func<int, int, byte> v, int padding = 0, long sequence = 0, TimeSpan timestamp = default)
    {
        var stride = width + padding;
        var chromaStride = (stride + 1) / 2;
        var chromaWidth = (width + 1) / 2;
        var chromaHeight = (height + 1) / 2;
        var data = new byte[(stride * height) + (2 * chromaStride * chromaHeight)];
        Array.Fill(data, (byte)0xEE);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                data[(y * stride) + x] = luma(x, y);
            }
        }

        var uOffset = stride * height;
        var vOffset = uOffset + (chromaStride * chromaHeight);
        for (var y = 0; y < chromaHeight; y++)
        {
            for (var x = 0; x < chromaWidth; x++)
            {
                data[uOffset + (y * chromaStride) + x] = u(x, y);
                data[vOffset + (y * chromaStride) + x] = v(x, y);
            }
        }

        return new VideoFrame(data, width, height, PixelFormat.I420, stride, sequence, timestamp);
    }

    public static int Channels(PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.Rgb24 => 3,
        PixelFormat.Rgba32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Channel <paramref name="c"/> of the packed pixel at (x, y).</summary>
    public static byte At(VideoFrame frame, int x, int y, int c = 0) =>
        frame.Data.Span[(y * frame.Stride) + (x * Channels(frame.Format)) + c];

    public static byte Y(VideoFrame frame, int x, int y) => frame.Data.Span[(y * frame.Stride) + x];

    public static byte U(VideoFrame frame, int cx, int cy) =>
        frame.Data.Span[(frame.Stride * frame.Height) + (cy * ((frame.Stride + 1) / 2)) + cx];

    public static byte V(VideoFrame frame, int cx, int cy) =>
        frame.Data.Span[(frame.Stride * frame.Height) + (((frame.Stride + 1) / 2) * ((frame.Height + 1) / 2)) + (cy * ((frame.Stride + 1) / 2)) + cx];

    /// <summary>Every sample of every plane, in plane order, without stride padding.</summary>
    public static List<byte> Samples(VideoFrame frame)
    {
        var samples = new List<byte>();
        if (frame.Format == PixelFormat.I420)
        {
            for (var y = 0; y < frame.Height; y++)
            {
                for (var x = 0; x < frame.Width; x++)
                {
                    samples.Add(Y(frame, x, y));
                }
            }

            for (var y = 0; y < (frame.Height + 1) / 2; y++)
            {
                for (var x = 0; x < (frame.Width + 1) / 2; x++)
                {
                    samples.Add(U(frame, x, y));
                }
            }

            for (var y = 0; y < (frame.Height + 1) / 2; y++)
            {
                for (var x = 0; x < (frame.Width + 1) / 2; x++)
                {
                    samples.Add(V(frame, x, y));
                }
            }

            return samples;
        }

        var channels = Channels(frame.Format);
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = 0; x < frame.Width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    samples.Add(At(frame, x, y, c));
                }
            }
        }

        return samples;
    }

    /// <summary>Produces the first <paramref name="count"/> frames of a source node without a stream.</summary>
    public static List<VideoFrame> Take(SourceNode<VideoFrame> source, int count)
    {
        var output = new General.ListOutput<VideoFrame>();
        source.Initialize(NodeContext.Detached(source.Name));
        try
        {
            while (output.Items.Count < count && source.Produce(output))
            {
            }
        }
        finally
        {
            source.Dispose();
        }

        return output.Items;
    }
}
