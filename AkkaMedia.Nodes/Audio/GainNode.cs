using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Multiplies every sample by a constant gain (linear factor, 1 = unchanged, 0.5 ≈ -6 dB).
/// </summary>
/// <remarks>
/// One output per input, with the input's format, sequence and timestamp, over a new buffer (pooled when
/// the input is, see <see cref="AudioFrame"/>); the
/// input buffer is never written. A gain of exactly 1 passes the input frame on as it is. Results
/// are not clipped: samples may leave -1..1 when the gain is above 1. Stateless: frames of any
/// format may follow each other.
/// </remarks>
public sealed class GainNode : Node<AudioFrame, AudioFrame>
{
    /// <summary>Creates the node.</summary>
    /// <param name="gain">Linear factor; finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gain"/> is NaN, infinite or negative.</exception>
    public GainNode(float gain)
    {
        if (!float.IsFinite(gain) || gain < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, "Gain must be a finite, non-negative linear factor.");
        }

        Gain = gain;
    }

    /// <summary>The linear factor applied to every sample.</summary>
    public float Gain { get; }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (Gain == 1f)
        {
            output.Emit(input);
            return;
        }

        // Scale writes every sample, so the buffer need not be zeroed first.
        var frame = FrameOutput.Like(input, out var samples);
        SampleMath.Scale(input.Samples.Span, Gain, samples);
        output.Emit(frame);
    }
}
