using System.Buffers.Binary;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>PCM16 test signals and their reading back.</summary>
internal static class TestPcm
{
    /// <summary>A tone of <paramref name="frames"/> sample frames starting at sample frame <paramref name="start"/>, every channel the same, amplitude 0.25.</summary>
    public static byte[] Tone(int sampleRate, int channels, int frames, long start, double frequency = 440)
    {
        var bytes = new byte[frames * channels * 2];
        for (var i = 0; i < frames; i++)
        {
            var value = (short)Math.Round(8192 * Math.Sin(2 * Math.PI * frequency * (start + i) / sampleRate));
            for (var c = 0; c < channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * ((i * channels) + c)), value);
            }
        }

        return bytes;
    }

    public static short[] Samples(byte[] bytes)
    {
        var samples = new short[bytes.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i));
        }

        return samples;
    }

    /// <summary>Root mean square of the samples, in full scale (0..1).</summary>
    public static double Rms(IReadOnlyList<short> samples) =>
        samples.Count == 0 ? 0 : Math.Sqrt(samples.Sum(s => (double)s * s) / samples.Count) / 32768;
}
