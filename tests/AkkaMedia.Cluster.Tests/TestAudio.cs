using AkkaMedia.Frames;
using NAudio.Wave;

namespace AkkaMedia.Cluster.Tests;

/// <summary>Deterministic audio for the specs: 20 ms frames of 48 kHz mono and WAV files.</summary>
internal static class TestAudio
{
    public const int SampleRate = 48000;
    public const int SamplesPerFrame = 960;

    /// <summary>Frame <paramref name="sequence"/>: a 440 Hz sine of amplitude 0.5, continuous across frames.</summary>
    public static AudioFrame Frame(long sequence) =>
        new(Enumerable.Range(0, SamplesPerFrame).Select(i => Sample((sequence * SamplesPerFrame) + i)).ToArray(), SampleRate, 1, sequence, TimeSpan.FromMilliseconds(20 * sequence));

    /// <summary>Frames 0 .. <paramref name="count"/> − 1.</summary>
    public static IReadOnlyList<AudioFrame> Frames(int count) => Enumerable.Range(0, count).Select(i => Frame(i)).ToList();

    /// <summary>Writes <paramref name="seconds"/> of the sine as a 16-bit PCM mono WAV.</summary>
    public static void WriteWav(string path, double seconds)
    {
        var samples = Enumerable.Range(0, (int)(seconds * SampleRate)).Select(n => Sample(n)).ToArray();
        using var writer = new WaveFileWriter(path, new WaveFormat(SampleRate, 16, 1));
        writer.WriteSamples(samples, 0, samples.Length);
    }

    /// <summary>The samples of a WAV file as floats in −1..1, with its format.</summary>
    public static (float[] Samples, WaveFormat Format) ReadWav(string path)
    {
        using var reader = new WaveFileReader(path);
        var provider = reader.ToSampleProvider();
        var samples = new List<float>();
        var buffer = new float[4096];
        int read;
        while ((read = provider.Read(buffer, 0, buffer.Length)) > 0)
        {
            samples.AddRange(buffer.AsSpan(0, read));
        }

        return (samples.ToArray(), reader.WaveFormat);
    }

    private static float Sample(long n) => (float)(0.5 * Math.Sin(2 * Math.PI * 440 * n / SampleRate));
}
