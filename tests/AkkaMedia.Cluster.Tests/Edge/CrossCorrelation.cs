using System.Numerics;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// Normalized cross-correlation of a template against every position of a longer signal:
/// <c>ncc(lag) = Σ t[i]·s[lag+i] / √(Σ t[i]² · Σ s[lag+i]²)</c>, 1 where the signal holds the template
/// at any positive gain, near 0 where it holds something else. Computed with FFTs, so a few seconds of
/// audio against a one-second template take milliseconds.
/// </summary>
internal static class CrossCorrelation
{
    /// <summary>The lag at which <paramref name="signal"/> is most like <paramref name="template"/>, and how alike (−1..1).</summary>
    public static (int Lag, double Value) Best(ReadOnlySpan<float> template, ReadOnlySpan<float> signal)
    {
        if (template.Length == 0 || signal.Length < template.Length)
        {
            throw new ArgumentException($"The signal ({signal.Length} samples) must be at least as long as the template ({template.Length}, not empty).");
        }

        var size = (int)BitOperations.RoundUpToPowerOf2((uint)(signal.Length + template.Length));
        var s = new Complex[size];
        var t = new Complex[size];
        for (var i = 0; i < signal.Length; i++)
        {
            s[i] = signal[i];
        }

        for (var i = 0; i < template.Length; i++)
        {
            t[i] = template[i];
        }

        Fft(s, inverse: false);
        Fft(t, inverse: false);
        for (var i = 0; i < size; i++)
        {
            s[i] *= Complex.Conjugate(t[i]);
        }

        Fft(s, inverse: true);

        double templateEnergy = 0;
        foreach (var x in template)
        {
            templateEnergy += (double)x * x;
        }

        // Energy of every signal window of the template's length, from prefix sums of squares.
        var prefix = new double[signal.Length + 1];
        for (var i = 0; i < signal.Length; i++)
        {
            prefix[i + 1] = prefix[i] + ((double)signal[i] * signal[i]);
        }

        var best = (Lag: 0, Value: double.NegativeInfinity);
        for (var lag = 0; lag + template.Length <= signal.Length; lag++)
        {
            var windowEnergy = prefix[lag + template.Length] - prefix[lag];
            // A silent window is not like anything (and would divide by nothing).
            var value = windowEnergy <= templateEnergy * 1e-9 ? 0 : s[lag].Real / size / Math.Sqrt(templateEnergy * windowEnergy);
            if (value > best.Value)
            {
                best = (lag, value);
            }
        }

        return best;
    }

    // In-place iterative radix-2 FFT; the inverse is unscaled (the caller divides by the size).
    private static void Fft(Complex[] a, bool inverse)
    {
        var n = a.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (a[i], a[j]) = (a[j], a[i]);
            }
        }

        for (var length = 2; length <= n; length <<= 1)
        {
            var angle = 2 * Math.PI / length * (inverse ? 1 : -1);
            var step = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (var start = 0; start < n; start += length)
            {
                var w = Complex.One;
                for (var k = 0; k < length / 2; k++)
                {
                    var even = a[start + k];
                    var odd = a[start + k + (length / 2)] * w;
                    a[start + k] = even + odd;
                    a[start + k + (length / 2)] = even - odd;
                    w *= step;
                }
            }
        }
    }
}
