using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Converts the channel count of audio frames: one channel is duplicated into every output channel
/// (mono → stereo), and any number of channels is averaged into one (stereo → mono).
/// </summary>
/// <remarks>
/// <para>Supported inputs: frames that already have the target count (passed on as they are), mono
/// frames (for any target) and, for a target of one channel, frames of any channel count. Anything
/// else (say 3 channels into 2) fails the stream with a <see cref="FrameFormatException"/> naming the
/// node and both formats.</para>
/// <para>One output per input, with the input's sample rate, sequence and timestamp, over a new
/// buffer. Stateless: the sample rate may change between frames.</para>
/// </remarks>
public sealed class ChannelMixNode : Node<AudioFrame, AudioFrame>
{
    /// <summary>Creates the node.</summary>
    /// <param name="targetChannels">Channel count of every output frame; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetChannels"/> is zero or negative.</exception>
    public ChannelMixNode(int targetChannels)
    {
        if (targetChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetChannels), targetChannels, "The target channel count must be positive.");
        }

        TargetChannels = targetChannels;
    }

    /// <summary>Channel count of every output frame.</summary>
    public int TargetChannels { get; }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var channels = input.Channels;
        if (channels == TargetChannels)
        {
            output.Emit(input);
        }
        else if (channels == 1)
        {
            output.Emit(Duplicate(input));
        }
        else if (TargetChannels == 1)
        {
            output.Emit(Average(input));
        }
        else
        {
            throw new FrameFormatException(
                Name,
                $"mono or {TargetChannels}-channel audio (to mix into {TargetChannels} ch)",
                input.Format);
        }
    }

    private AudioFrame Duplicate(AudioFrame input)
    {
        var source = input.Samples.Span;
        var target = TargetChannels;
        var samples = new float[source.Length * target];
        if (target == 2)
        {
            for (int n = 0, o = 0; n < source.Length; n++, o += 2)
            {
                samples[o] = source[n];
                samples[o + 1] = source[n];
            }
        }
        else
        {
            for (int n = 0, o = 0; n < source.Length; n++, o += target)
            {
                samples.AsSpan(o, target).Fill(source[n]);
            }
        }

        return new AudioFrame(samples, input.SampleRate, target, input.Sequence, input.Timestamp);
    }

    private static AudioFrame Average(AudioFrame input)
    {
        var source = input.Samples.Span;
        var channels = input.Channels;
        var samples = new float[input.SamplesPerChannel];
        if (channels == 2)
        {
            for (int n = 0, i = 0; n < samples.Length; n++, i += 2)
            {
                samples[n] = (source[i] + source[i + 1]) * 0.5f;
            }
        }
        else
        {
            var scale = 1f / channels;
            for (int n = 0, i = 0; n < samples.Length; n++, i += channels)
            {
                var sum = 0f;
                for (var c = 0; c < channels; c++)
                {
                    sum += source[i + c];
                }

                samples[n] = sum * scale;
            }
        }

        return new AudioFrame(samples, input.SampleRate, 1, input.Sequence, input.Timestamp);
    }
}
