namespace AkkaMedia.Host.Progress;

/// <summary>How far a run is: elements out of the pipeline, media time they cover, and wall time since the start.</summary>
internal readonly record struct RunSnapshot(long Elements, TimeSpan Media, TimeSpan Wall)
{
    /// <summary>Wall time per second of media (below 1 = faster than real time); null before any media went through.</summary>
    public double? RealTimeFactor => Media > TimeSpan.Zero ? Wall / Media : null;
}
