namespace AkkaMedia.Nodes.Testing;

/// <summary>One voiced burst of a <see cref="SpeechLikeSource"/>: the ground truth a voice-activity spec compares against.</summary>
/// <param name="Start">Media time of the burst's first sample; its level ramps up over <see cref="SpeechLikeSource.Ramp"/>.</param>
/// <param name="End">Media time just after the burst's last sample; its level ramps down over the <see cref="SpeechLikeSource.Ramp"/> before.</param>
public sealed record SpeechBurst(TimeSpan Start, TimeSpan End)
{
    /// <summary>Length of the burst.</summary>
    public TimeSpan Duration => End - Start;
}
