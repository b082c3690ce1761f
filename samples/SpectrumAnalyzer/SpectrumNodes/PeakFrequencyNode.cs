using System.Globalization;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using MathNet.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace SpectrumNodes;

/// <summary>
/// Finds the strongest frequency of every audio frame with MathNet.Numerics' FFT: the first channel is windowed
/// (Hann), transformed, and the peak bin refined by parabolic interpolation of the log magnitudes around it.
/// Emits one <see cref="TextFrame"/> per input frame, <c>"peak 440.0 Hz"</c> (or <c>"silence"</c> when the frame
/// carries no energy), with the input's sequence number and timestamp.
/// </summary>
/// <remarks>
/// <para>Frames of any length of at least 64 samples per channel are accepted; a power of two is fastest. The
/// resolution before interpolation is <c>sampleRate / samplesPerChannel</c>. The input frame is only read.</para>
/// <para>Memory: one complex buffer of the frame's length, reused while frame lengths stay the same.</para>
/// </remarks>
public sealed class PeakFrequencyNode : Node<AudioFrame, TextFrame>
{
    private Complex32[] _buffer = [];
    private double[] _window = [];

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<TextFrame> output)
    {
        var channels = input.Channels;
        var length = input.Samples.Length / channels;
        if (length < 64)
        {
            throw new FrameFormatException(Name, "at least 64 samples per channel", string.Create(CultureInfo.InvariantCulture, $"{length} samples per channel"));
        }

        if (_buffer.Length != length)
        {
            _buffer = new Complex32[length];
            _window = Window.Hann(length);
        }

        var samples = input.Samples.Span;
        for (var i = 0; i < length; i++)
        {
            _buffer[i] = new Complex32((float)(samples[i * channels] * _window[i]), 0f);
        }

        Fourier.Forward(_buffer, FourierOptions.Matlab);
        var peak = 1;
        for (var bin = 2; bin < length / 2; bin++)
        {
            if (_buffer[bin].Magnitude > _buffer[peak].Magnitude)
            {
                peak = bin;
            }
        }

        var text = _buffer[peak].Magnitude < 1e-6f
            ? "silence"
            : string.Create(CultureInfo.InvariantCulture, $"peak {Interpolate(peak) * input.SampleRate / length:0.0} Hz");
        output.Emit(new TextFrame(text, input.Sequence, input.Timestamp));
    }

    /// <summary>The peak's position in bins, refined by a parabola through the log magnitudes of it and its neighbours.</summary>
    private double Interpolate(int peak)
    {
        var left = Math.Log(_buffer[peak - 1].Magnitude + 1e-12);
        var centre = Math.Log(_buffer[peak].Magnitude + 1e-12);
        var right = Math.Log(_buffer[peak + 1].Magnitude + 1e-12);
        var denominator = left - (2 * centre) + right;
        return denominator == 0 ? peak : peak + (0.5 * (left - right) / denominator);
    }
}
