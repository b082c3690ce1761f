using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace RealLibrary.Fft;

/// <summary>The FFT both the object and the node use.</summary>
internal static class Spectrum
{
    /// <summary>The index of the largest-magnitude bin in the first half of the FFT of <paramref name="samples"/> (0 when empty).</summary>
    public static int PeakBin(ReadOnlySpan<float> samples)
    {
        if (samples.Length == 0)
        {
            return 0;
        }

        var bins = new Complex[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            bins[i] = new Complex(samples[i], 0);
        }

        Fourier.Forward(bins, FourierOptions.Default);
        var peak = 0;
        for (var i = 1; i <= bins.Length / 2; i++)
        {
            if (bins[i].Magnitude > bins[peak].Magnitude)
            {
                peak = i;
            }
        }

        return peak;
    }
}
