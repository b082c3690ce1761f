using System.Buffers.Binary;

namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary>WAV files for the specs, written and read here independently of the app's own reader and writer.</summary>
internal static class TestWav
{
    /// <summary>A 16-bit PCM WAV file of interleaved <paramref name="samples"/>.</summary>
    public static byte[] Pcm16(int sampleRate, int channels, short[] samples)
    {
        var data = new byte[2 * samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), samples[i]);
        }

        return Wav(1, 16, sampleRate, channels, data);
    }

    /// <summary>A 32-bit IEEE float WAV file of interleaved <paramref name="samples"/>.</summary>
    public static byte[] Float32(int sampleRate, int channels, float[] samples)
    {
        var data = new byte[4 * samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), samples[i]);
        }

        return Wav(3, 32, sampleRate, channels, data);
    }

    /// <summary>Samples that a gain of up to 4 leaves within 16 bits: a ramp of odd and even values, negative and positive.</summary>
    public static short[] Ramp(int count) =>
        Enumerable.Range(0, count).Select(i => (short)((i * 37 % 16001) - 8000)).ToArray();

    /// <summary>The format and samples of a 16-bit PCM WAV file with a 44-byte header, as the app writes them.</summary>
    public static (int SampleRate, int Channels, short[] Samples) ReadPcm16(byte[] wav)
    {
        Assert.True(wav.Length >= 44, $"A WAV file of {wav.Length} bytes has no room for its header.");
        Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
        Assert.Equal("WAVEfmt "u8.ToArray(), wav[8..16]);
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(20)));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(34)));
        Assert.Equal("data"u8.ToArray(), wav[36..40]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40));
        Assert.Equal(wav.Length - 44, length);
        var samples = new short[length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + (2 * i)));
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)), BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)), samples);
    }

    private static byte[] Wav(short tag, short bits, int sampleRate, int channels, byte[] data)
    {
        var wav = new byte[44 + data.Length];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], wav.Length - 8);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], tag);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * channels * bits / 8);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], (short)(channels * bits / 8));
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], bits);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data.Length);
        data.CopyTo(span[44..]);
        return wav;
    }
}
