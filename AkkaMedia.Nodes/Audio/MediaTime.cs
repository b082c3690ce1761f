namespace AkkaMedia.Nodes.Audio;

/// <summary>Conversions between sample positions and media time.</summary>
internal static class MediaTime
{
    /// <summary>The media time of sample <paramref name="position"/> (per channel) at <paramref name="sampleRate"/>, truncated to ticks.</summary>
    public static TimeSpan FromSamples(long position, int sampleRate) =>
        TimeSpan.FromTicks((long)((Int128)position * TimeSpan.TicksPerSecond / sampleRate));

    /// <summary>The number of samples per channel closest to <paramref name="duration"/> at <paramref name="sampleRate"/>.</summary>
    public static long ToSamples(TimeSpan duration, int sampleRate) =>
        (long)Math.Round((double)duration.Ticks * sampleRate / TimeSpan.TicksPerSecond, MidpointRounding.AwayFromZero);
}
