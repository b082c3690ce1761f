using System.Buffers.Binary;

namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// Signed 16-bit little-endian PCM, interleaved. A message holds any whole number of sample frames
/// (<c>2 × channels</c> bytes each). Samples outside -1..1 are clipped on the way out.
/// </summary>
internal sealed class Pcm16Encoding(int channels) : IMediaEncoding
{
    /// <summary>The name in <c>start</c>.</summary>
    public const string EncodingName = "pcm16";

    /// <inheritdoc />
    public string Name => EncodingName;

    /// <inheritdoc />
    public float[] Decode(ReadOnlySpan<byte> message)
    {
        var frameBytes = 2 * channels;
        if (message.Length % frameBytes != 0)
        {
            throw new EdgeProtocolException(
                $"Torn sample frame: a pcm16 message must hold whole sample frames of {frameBytes} bytes ({channels} channel(s) × 2 bytes), but this one has {message.Length} bytes.");
        }

        var samples = GC.AllocateUninitializedArray<float>(message.Length / 2); // every element is written below
        Decode(message, samples);
        return samples;
    }

    /// <inheritdoc />
    public int MaxEncodedBytes(int samples) => samples * 2;

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<float> samples, Span<byte> destination) => EncodeSamples(samples, destination);

    /// <summary>Little-endian 16-bit samples to floats in -1..1 (−32768 maps to exactly −1).</summary>
    public static void Decode(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source.Slice(2 * i, 2)) * (1f / 32768f);
        }
    }

    /// <summary>Floats to little-endian 16-bit samples, rounded and clipped; returns the bytes written.</summary>
    public static int EncodeSamples(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            var scaled = MathF.Round(source[i] * 32768f);
            var value = scaled >= short.MaxValue ? short.MaxValue : scaled <= short.MinValue ? short.MinValue : (short)scaled;
            BinaryPrimitives.WriteInt16LittleEndian(destination.Slice(2 * i, 2), value);
        }

        return source.Length * 2;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
