using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Remembers the format (sample rate, channel count) of the first frame a stateful node saw and
/// refuses later frames in another format with a <see cref="FrameFormatException"/> naming the node.
/// </summary>
internal sealed class AudioFormatGuard
{
    private readonly string _nodeName;

    public AudioFormatGuard(string nodeName) => _nodeName = nodeName;

    /// <summary>True once the first frame fixed the format.</summary>
    public bool IsFixed { get; private set; }

    /// <summary>Sample rate of the stream; valid when <see cref="IsFixed"/>.</summary>
    public int SampleRate { get; private set; }

    /// <summary>Channel count of the stream; valid when <see cref="IsFixed"/>.</summary>
    public int Channels { get; private set; }

    /// <summary>The fixed format in the words of <see cref="AudioFrame.Format"/>.</summary>
    public string Format => $"{SampleRate} Hz, {Channels} ch";

    /// <summary>
    /// Fixes the format on the first call and returns true then; afterwards returns false, or throws
    /// when <paramref name="frame"/> is in another format.
    /// </summary>
    /// <exception cref="FrameFormatException">The frame's format differs from the first frame's.</exception>
    public bool Check(AudioFrame frame)
    {
        if (!IsFixed)
        {
            SampleRate = frame.SampleRate;
            Channels = frame.Channels;
            IsFixed = true;
            return true;
        }

        if (frame.SampleRate != SampleRate || frame.Channels != Channels)
        {
            throw new FrameFormatException(_nodeName, Format, frame.Format);
        }

        return false;
    }
}
