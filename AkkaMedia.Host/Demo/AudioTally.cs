using AkkaMedia.Frames;

namespace AkkaMedia.Host.Demo;

/// <summary>Counts frames and media time passing one point of the demo pipeline.</summary>
internal sealed record AudioTally(long Frames, long Ticks, string Format)
{
    public static readonly AudioTally Empty = new(0, 0, "no audio");

    public TimeSpan Duration => TimeSpan.FromTicks(Ticks);

    public AudioTally Add(AudioFrame frame) => new(Frames + 1, Ticks + frame.Duration.Ticks, frame.Format);
}
