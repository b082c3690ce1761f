using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>How the sample-by-sample audio nodes make their output frame.</summary>
internal static class FrameOutput
{
    /// <summary>
    /// A frame with <paramref name="input"/>'s format, sequence, timestamp and sample count, whose samples the caller
    /// writes through <paramref name="samples"/> (contents undefined: write every one). The output is pooled when the
    /// input is: a remote chain (link → nodes → link) then allocates no sample buffer, while a frame a local graph made
    /// itself keeps producing ordinary frames, which a fan-out may share freely.
    /// </summary>
    public static AudioFrame Like(AudioFrame input, out Span<float> samples)
    {
        if (input.IsPooled)
        {
            return AudioFrame.Rent(input.Samples.Length, input.SampleRate, input.Channels, input.Sequence, input.Timestamp, out samples);
        }

        var array = GC.AllocateUninitializedArray<float>(input.Samples.Length);
        samples = array;
        return input.WithSamples(array);
    }
}
