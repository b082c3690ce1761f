using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace AkkaMedia.Speech;

/// <summary>The audio format the speech models take: 16 kHz mono.</summary>
internal static class SpeechAudio
{
    public const int SampleRate = 16000;

    /// <summary>Refuses a frame in another format, saying which stages to put before <paramref name="node"/>.</summary>
    /// <exception cref="FrameFormatException">The frame is not 16 kHz mono.</exception>
    public static void Require(AudioFrame frame, string node)
    {
        if (frame.SampleRate != SampleRate || frame.Channels != 1)
        {
            throw new FrameFormatException(
                node,
                "16000 Hz, 1 ch (put { type = Resample, sample-rate = 16000 } and { type = ChannelMix, channels = 1 } before it)",
                $"{frame.Format} in frame #{frame.Sequence}");
        }
    }
}
