namespace AkkaMedia.Nodes.Video;

/// <summary>
/// Precomputed source positions along one axis of a bilinear resize: for each destination index the
/// two source indices and the weight of the second in 1/256 units. Pixel centres are aligned
/// (<c>s = (d + 0.5) * srcLength / dstLength - 0.5</c>, clamped to the edge samples).
/// </summary>
internal sealed class BilinearAxis
{
    public BilinearAxis(int sourceLength, int destinationLength)
    {
        SourceLength = sourceLength;
        DestinationLength = destinationLength;
        First = new int[destinationLength];
        Second = new int[destinationLength];
        Weight = new int[destinationLength];
        var scale = (double)sourceLength / destinationLength;
        for (var i = 0; i < destinationLength; i++)
        {
            var position = Math.Max(0.0, ((i + 0.5) * scale) - 0.5);
            var first = (int)position;
            if (first >= sourceLength - 1)
            {
                First[i] = Second[i] = sourceLength - 1;
                Weight[i] = 0;
                continue;
            }

            First[i] = first;
            Second[i] = first + 1;
            Weight[i] = (int)Math.Round((position - first) * 256.0, MidpointRounding.AwayFromZero);
        }
    }

    public int SourceLength { get; }

    public int DestinationLength { get; }

    /// <summary>Index of the nearer-or-left source sample.</summary>
    public int[] First { get; }

    /// <summary>Index of the right (or lower) source sample.</summary>
    public int[] Second { get; }

    /// <summary>Weight of <see cref="Second"/>, 0..256; <see cref="First"/> gets 256 minus it.</summary>
    public int[] Weight { get; }

    public bool Fits(int sourceLength, int destinationLength) =>
        SourceLength == sourceLength && DestinationLength == destinationLength;

    /// <summary>
    /// Resizes one plane of <paramref name="channels"/> interleaved 8-bit samples per pixel.
    /// </summary>
    public static void Scale(
        ReadOnlySpan<byte> source,
        int sourceStride,
        Span<byte> destination,
        int destinationStride,
        int channels,
        BilinearAxis xs,
        BilinearAxis ys)
    {
        var xFirst = xs.First;
        var xSecond = xs.Second;
        var xWeight = xs.Weight;
        for (var dy = 0; dy < ys.DestinationLength; dy++)
        {
            var top = source.Slice(ys.First[dy] * sourceStride);
            var bottom = source.Slice(ys.Second[dy] * sourceStride);
            var fy = ys.Weight[dy];
            var gy = 256 - fy;
            var row = destination.Slice(dy * destinationStride, xs.DestinationLength * channels);
            for (var dx = 0; dx < xs.DestinationLength; dx++)
            {
                var x0 = xFirst[dx] * channels;
                var x1 = xSecond[dx] * channels;
                var fx = xWeight[dx];
                var gx = 256 - fx;
                var d = dx * channels;
                for (var c = 0; c < channels; c++)
                {
                    var upper = (top[x0 + c] * gx) + (top[x1 + c] * fx);
                    var lower = (bottom[x0 + c] * gx) + (bottom[x1 + c] * fx);
                    row[d + c] = (byte)(((upper * gy) + (lower * fy) + 32768) >> 16);
                }
            }
        }
    }
}
