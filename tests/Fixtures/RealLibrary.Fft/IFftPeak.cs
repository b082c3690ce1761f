namespace RealLibrary.Fft;

/// <summary>The contract a client deploys <see cref="FftPeak"/> behind (<c>RemoteObject.DeployAsync&lt;IFftPeak&gt;</c>).</summary>
public interface IFftPeak
{
    /// <summary>The index of the FFT bin with the largest magnitude among the first half of the spectrum of <paramref name="samples"/>.</summary>
    int PeakBin(float[] samples);
}
