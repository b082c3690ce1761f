using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace RealLibrary.Fft;

/// <summary>
/// A shipped node over MathNet.Numerics: for each audio frame, the frequency in hertz of the FFT bin with the largest
/// magnitude (of the first channel's samples as they are interleaved; mono frames give the exact bin frequency).
/// </summary>
public sealed class FftPeakNode : Node<AudioFrame, double>
{
    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<double> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var samples = input.Samples.Span;
        var bin = Spectrum.PeakBin(samples);
        output.Emit(samples.Length == 0 ? 0 : (double)bin * input.SampleRate / samples.Length);
    }
}
