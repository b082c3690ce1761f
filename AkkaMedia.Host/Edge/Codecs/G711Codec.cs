using NAudio.Codecs;

namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>
/// G.711 μ-law or A-law between codes (one byte per sample) and float samples (nominal range -1..1), on spans,
/// without allocating. The conversions are NAudio's (<see cref="MuLawDecoder"/>, <see cref="MuLawEncoder"/>,
/// <see cref="ALawDecoder"/>, <see cref="ALawEncoder"/>), read once into lookup tables: 256 floats to decode and
/// 65,536 codes to encode (one per 16-bit sample), so a sample costs one table read either way.
/// </summary>
/// <remarks>
/// <para>Decoding is exact: every code has one float, the 16-bit level NAudio gives it divided by 32768.</para>
/// <para>Encoding rounds a float to the nearest 16-bit sample, clamped to -32767..32767 (NAudio's encoders negate the
/// sample, which overflows at -32768) with NaN as 0, then takes that sample's code: one of the two levels around the
/// input, or the outermost level beyond it.</para>
/// <para>Both laws are bijections on codes here: every code re-encodes to itself. (NAudio's μ-law table decodes the
/// negative zero <c>0x7F</c> to -1/32768, not to 0, so it does not collapse into positive zero <c>0xFF</c>.)</para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
internal sealed class G711Codec
{
    private const float Scale = 32768f;

    private readonly float[] _decode = new float[256];
    private readonly byte[] _encode = new byte[65536];

    private G711Codec(G711Law law, Func<byte, short> decode, Func<short, byte> encode)
    {
        Law = law;
        for (var code = 0; code < _decode.Length; code++)
            _decode[code] = decode((byte)code) / Scale;
        for (var sample = short.MinValue; ; sample++)
        {
            _encode[(ushort)sample] = encode(sample);
            if (sample == short.MaxValue)
                break;
        }
    }

    /// <summary>μ-law.</summary>
    public static G711Codec MuLaw { get; } = new(G711Law.MuLaw, MuLawDecoder.MuLawToLinearSample, MuLawEncoder.LinearToMuLawSample);

    /// <summary>A-law.</summary>
    public static G711Codec ALaw { get; } = new(G711Law.ALaw, ALawDecoder.ALawToLinearSample, ALawEncoder.LinearToALawSample);

    /// <summary>The law this codec speaks.</summary>
    public G711Law Law { get; }

    /// <summary>The codec of <paramref name="law"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="law"/> is not a defined law.</exception>
    public static G711Codec For(G711Law law) => law switch
    {
        G711Law.MuLaw => MuLaw,
        G711Law.ALaw => ALaw,
        _ => throw new ArgumentOutOfRangeException(nameof(law), law, "G.711 has two laws: MuLaw and ALaw."),
    };

    /// <summary>The float sample of one code.</summary>
    public float Decode(byte code) => _decode[code];

    /// <summary>The code of one float sample (see the remarks on the type for rounding and clamping).</summary>
    public byte Encode(float sample) => _encode[(ushort)ToPcm16(sample)];

    /// <summary>
    /// Decodes every code of <paramref name="codes"/> into the first <c>codes.Length</c> elements of
    /// <paramref name="samples"/>; the rest of <paramref name="samples"/> is left as it was. Both spans stay the caller's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is shorter than <paramref name="codes"/>.</exception>
    public void Decode(ReadOnlySpan<byte> codes, Span<float> samples)
    {
        if (samples.Length < codes.Length)
            throw new ArgumentException($"The destination holds {samples.Length} samples; {codes.Length} codes need as many.", nameof(samples));
        var table = _decode;
        for (var i = 0; i < codes.Length; i++)
            samples[i] = table[codes[i]];
    }

    /// <summary>
    /// Encodes every sample of <paramref name="samples"/> into the first <c>samples.Length</c> bytes of
    /// <paramref name="codes"/>; the rest of <paramref name="codes"/> is left as it was. Both spans stay the caller's.
    /// Any float is accepted: out-of-range samples are clamped and NaN is silence.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="codes"/> is shorter than <paramref name="samples"/>.</exception>
    public void Encode(ReadOnlySpan<float> samples, Span<byte> codes)
    {
        if (codes.Length < samples.Length)
            throw new ArgumentException($"The destination holds {codes.Length} codes; {samples.Length} samples need as many.", nameof(codes));
        var table = _encode;
        for (var i = 0; i < samples.Length; i++)
            codes[i] = table[(ushort)ToPcm16(samples[i])];
    }

    private static short ToPcm16(float sample)
    {
        if (float.IsNaN(sample))
            return 0;
        var scaled = MathF.Round(sample * Scale);
        return scaled >= short.MaxValue ? short.MaxValue : scaled <= -short.MaxValue ? (short)-short.MaxValue : (short)scaled;
    }
}
