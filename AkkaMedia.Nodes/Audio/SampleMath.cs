using System.Numerics;
using System.Runtime.InteropServices;

namespace AkkaMedia.Nodes.Audio;

/// <summary>Vectorized loops over float sample spans shared by the audio nodes. No allocation.</summary>
internal static class SampleMath
{
    /// <summary><paramref name="destination"/>[i] = <paramref name="source"/>[i] × <paramref name="factor"/>.</summary>
    public static void Scale(ReadOnlySpan<float> source, float factor, Span<float> destination)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<float>.Count)
        {
            var src = MemoryMarshal.Cast<float, Vector<float>>(source);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination);
            var k = new Vector<float>(factor);
            for (var v = 0; v < src.Length; v++)
            {
                dst[v] = src[v] * k;
            }

            i = src.Length * Vector<float>.Count;
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] * factor;
        }
    }

    /// <summary><paramref name="destination"/>[i] = <paramref name="x"/>[i] + <paramref name="factor"/> × <paramref name="y"/>[i].</summary>
    public static void AddScaled(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float factor, Span<float> destination)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination);
            var k = new Vector<float>(factor);
            for (var v = 0; v < vx.Length; v++)
            {
                dst[v] = vx[v] + (vy[v] * k);
            }

            i = vx.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            destination[i] = x[i] + (y[i] * factor);
        }
    }

    /// <summary>The dot product of two spans of equal length.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var i = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b.Slice(0, a.Length));
            var acc = Vector<float>.Zero;
            for (var v = 0; v < va.Length; v++)
            {
                acc += va[v] * vb[v];
            }

            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>The sum of the squares of the samples, accumulated in double precision.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> samples)
    {
        var i = 0;
        var sum = 0.0;
        if (Vector.IsHardwareAccelerated && samples.Length >= Vector<float>.Count)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(samples);
            var acc = Vector<float>.Zero;
            for (var v = 0; v < vs.Length; v++)
            {
                acc += vs[v] * vs[v];

                // Spill into the double accumulator now and then so long frames keep their precision.
                if ((v & 255) == 255)
                {
                    sum += Vector.Sum(acc);
                    acc = Vector<float>.Zero;
                }
            }

            sum += Vector.Sum(acc);
            i = vs.Length * Vector<float>.Count;
        }

        for (; i < samples.Length; i++)
        {
            sum += (double)samples[i] * samples[i];
        }

        return sum;
    }
}
