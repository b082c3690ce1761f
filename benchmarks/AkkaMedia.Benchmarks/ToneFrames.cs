using AkkaMedia.Frames;

namespace AkkaMedia.Benchmarks;

/// <summary>The frames the streaming benchmarks send: 20 ms of a 440 Hz tone, mono 48 kHz (960 samples), numbered and stamped.</summary>
internal static class ToneFrames
{
    /// <summary>Frame number <paramref name="sequence"/> of the tone; a new array of its own (the caller owns it).</summary>
    public static AudioFrame Frame(int sequence)
    {
        var samples = new float[960];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * ((sequence * samples.Length) + i) / 48_000f);
        }

        return new AudioFrame(samples, 48_000, 1, sequence, TimeSpan.FromMilliseconds(20 * sequence));
    }
}
