using System.Numerics;

namespace CustomMath;

/// <summary>Spectral analysis of a block of audio: a Hann-windowed radix-2 FFT and its strongest partial.</summary>
public static class Spectrum
{
    /// <summary>
    /// The frequency, in Hz, of the strongest spectral peak of <paramref name="samples"/> (mono), between
    /// 0 Hz and half of <paramref name="sampleRate"/>. The block is Hann-windowed and zero-padded to the next
    /// power of two of at least 4096, and the peak is refined between bins by a parabola through the log
    /// magnitudes of the peak bin and its neighbours: for a steady tone the error is well under a tenth of a bin.
    /// </summary>
    /// <returns>The peak frequency; 0 when the block is empty or silent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive.</exception>
    public static double DominantFrequency(ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (samples.IsEmpty)
        {
            return 0;
        }

        var size = (int)Math.Max(4096, BitOperations.RoundUpToPowerOf2((uint)samples.Length));
        var bins = new Complex[size];
        for (var i = 0; i < samples.Length; i++)
        {
            var window = samples.Length == 1 ? 1 : 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (samples.Length - 1)));
            bins[i] = new Complex(samples[i] * window, 0);
        }

        Fft(bins);
        var peak = 1;
        for (var k = 2; k < size / 2; k++)
        {
            if (bins[k].Magnitude > bins[peak].Magnitude)
            {
                peak = k;
            }
        }

        if (bins[peak].Magnitude <= 0)
        {
            return 0;
        }

        var left = Math.Log(bins[peak - 1].Magnitude + 1e-12);
        var centre = Math.Log(bins[peak].Magnitude + 1e-12);
        var right = Math.Log(bins[peak + 1].Magnitude + 1e-12);
        var curvature = left - (2 * centre) + right;
        var offset = curvature < 0 ? 0.5 * (left - right) / curvature : 0;
        return (peak + offset) * sampleRate / size;
    }

    /// <summary>In-place iterative radix-2 FFT; the length of <paramref name="data"/> is a power of two.</summary>
    private static void Fft(Complex[] data)
    {
        var n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j |= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        for (var length = 2; length <= n; length <<= 1)
        {
            var step = Complex.FromPolarCoordinates(1, -2 * Math.PI / length);
            for (var start = 0; start < n; start += length)
            {
                var twiddle = Complex.One;
                for (var k = 0; k < length / 2; k++)
                {
                    var even = data[start + k];
                    var odd = data[start + k + (length / 2)] * twiddle;
                    data[start + k] = even + odd;
                    data[start + k + (length / 2)] = even - odd;
                    twiddle *= step;
                }
            }
        }
    }
}
