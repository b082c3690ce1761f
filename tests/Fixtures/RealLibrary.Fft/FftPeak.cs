using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace RealLibrary.Fft;

/// <summary>
/// A user object over MathNet.Numerics: a forward FFT (<see cref="Fourier.Forward(Complex[], FourierOptions)"/>) of the
/// samples, then the bin of largest magnitude. MathNet chooses its FFT provider on first use: it reads an environment
/// variable, tries to load native providers by assembly name and creates them with <c>Activator.CreateInstance</c>,
/// falling back to its managed provider, which is what the executor's in-process policy refuses.
/// </summary>
public sealed class FftPeak : IFftPeak
{
    /// <inheritdoc />
    public int PeakBin(float[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return Spectrum.PeakBin(samples);
    }
}
