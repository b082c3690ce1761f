using NAudio.Wave;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// What the browser's fake microphone plays: a WAV file (48 kHz, mono, 16-bit) holding one
/// <see cref="SignatureSeconds"/> linear chirp from <see cref="LowHz"/> to <see cref="HighHz"/> at half
/// scale, then <see cref="GapSeconds"/> of silence. Chromium loops the file, so the microphone sends the
/// chirp once per pass. A chirp is a good signature: it correlates with itself at one lag only, so
/// finding it in returned audio says the audio came back whole, not merely that something came back.
/// </summary>
internal static class FakeMicrophone
{
    public const int FileSampleRate = 48000;
    public const double SignatureSeconds = 1.0;
    public const double GapSeconds = 0.5;
    public const double LowHz = 300;
    public const double HighHz = 3000;
    public const double Amplitude = 0.5;

    /// <summary>How long one pass of the file lasts (Chromium's loop adds a few milliseconds of silence).</summary>
    public static TimeSpan FileDuration { get; } = TimeSpan.FromSeconds(SignatureSeconds + GapSeconds);

    /// <summary>Writes the file to <paramref name="path"/>.</summary>
    public static void WriteWav(string path)
    {
        var signature = Signature(FileSampleRate);
        var samples = new float[(int)Math.Round(FileDuration.TotalSeconds * FileSampleRate)];
        signature.CopyTo(samples, 0);
        using var writer = new WaveFileWriter(path, new WaveFormat(FileSampleRate, 16, 1));
        writer.WriteSamples(samples, 0, samples.Length);
    }

    /// <summary>
    /// The chirp sampled at <paramref name="sampleRate"/>: the file's content as a band-limited
    /// resampler (Chromium's, the edge's) renders it at that rate. 5 ms raised-cosine edges keep it
    /// free of clicks.
    /// </summary>
    public static float[] Signature(int sampleRate)
    {
        var count = (int)Math.Round(SignatureSeconds * sampleRate);
        var edge = 0.005 * sampleRate;
        var sweep = (HighHz - LowHz) / (2 * SignatureSeconds);
        var samples = new float[count];
        for (var n = 0; n < count; n++)
        {
            var t = (double)n / sampleRate;
            var ramp = Math.Min(1, Math.Min(n, count - 1 - n) / edge);
            var window = 0.5 - (0.5 * Math.Cos(Math.PI * ramp));
            samples[n] = (float)(Amplitude * window * Math.Sin(2 * Math.PI * ((LowHz * t) + (sweep * t * t))));
        }

        return samples;
    }
}
