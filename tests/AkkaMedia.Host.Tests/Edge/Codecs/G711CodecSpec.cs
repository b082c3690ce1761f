using AkkaMedia.Host.Edge.Codecs;
using CsCheck;

namespace AkkaMedia.Host.Tests.Edge.Codecs;

/// <summary>
/// G.711 μ-law and A-law between codes and float samples: the standard's landmark codes, round trips within the
/// quantization error, and codes that survive decoding and re-encoding (all 256 of either law).
/// </summary>
public sealed class G711CodecSpec
{
    public static TheoryData<string> Laws => [nameof(G711Law.MuLaw), nameof(G711Law.ALaw)];

    // μ-law: silence is 0xFF (positive zero). The loudest levels are ±8031 in 14 bits (×4 = 32124).
    // A-law: no zero code; the quietest levels are ±8 in 16 bits (codes 0xD5, 0x55); the loudest ±4032 in 13 bits
    // (×8 = 32256) at 0xAA and 0x2A. Codes are stored inverted (μ-law all bits, A-law even bits, per G.711).
    [Theory]
    [InlineData(nameof(G711Law.MuLaw), 0f, 0xFF, 0)]
    [InlineData(nameof(G711Law.MuLaw), 1f, 0x80, 32124)]
    [InlineData(nameof(G711Law.MuLaw), -1f, 0x00, -32124)]
    [InlineData(nameof(G711Law.ALaw), 0f, 0xD5, 8)]
    [InlineData(nameof(G711Law.ALaw), 1f, 0xAA, 32256)]
    [InlineData(nameof(G711Law.ALaw), -1f, 0x2A, -32256)]
    public void Codec_must_give_the_standards_codes_for_silence_and_full_scale(string lawName, float sample, int code, int level)
    {
        var codec = G711Codec.For(Enum.Parse<G711Law>(lawName));

        Assert.Equal((byte)code, codec.Encode(sample));
        Assert.Equal(level / 32768f, codec.Decode((byte)code));
    }

    [Fact]
    public void MuLaw_must_keep_negative_zero_apart_from_positive_zero()
    {
        var negative = G711Codec.MuLaw.Decode(0x7F);

        Assert.True(negative < 0f && negative > G711Codec.MuLaw.Decode(0x7E), $"0x7F decodes to {negative}");
        Assert.Equal(0x7F, G711Codec.MuLaw.Encode(negative));
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void Every_code_must_decode_to_its_own_level_and_re_encode_to_itself(string lawName)
    {
        var codec = G711Codec.For(Enum.Parse<G711Law>(lawName));
        var codes = Enumerable.Range(0, 256).Select(code => (byte)code).ToArray();

        Assert.Equal(codes, codes.Select(code => codec.Encode(codec.Decode(code))));
        Assert.Equal(256, codes.Select(codec.Decode).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void Any_byte_sequence_must_decode_and_re_encode_to_itself(string lawName)
    {
        var codec = G711Codec.For(Enum.Parse<G711Law>(lawName));
        Gen.Byte.Array[0, 512].Sample(codes =>
        {
            var samples = new float[codes.Length];
            var back = new byte[codes.Length];

            codec.Decode(codes, samples);
            codec.Encode(samples, back);

            Assert.Equal(codes, back);
        }, iter: 500);
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void A_sample_must_come_back_as_one_of_the_two_levels_around_it(string lawName)
    {
        var codec = G711Codec.For(Enum.Parse<G711Law>(lawName));
        var levels = Enumerable.Range(0, 256).Select(code => codec.Decode((byte)code)).Distinct().Order().ToArray();

        Gen.Float[-1f, 1f].Sample(sample =>
        {
            var back = codec.Decode(codec.Encode(sample));
            var pcm = MathF.Round(sample * 32768f) / 32768f; // the codec quantizes the 16-bit sample

            var above = Array.FindIndex(levels, level => level >= pcm);
            var around = above switch
            {
                -1 => [levels[^1]],            // beyond the loudest positive level: clipped to it
                0 => [levels[0]],              // beyond the loudest negative level
                _ => new[] { levels[above - 1], levels[above] },
            };
            Assert.Contains(back, around);
        }, iter: 20_000);
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void A_sine_must_keep_the_signal_to_quantization_noise_ratio_of_G711(string lawName)
    {
        var codec = G711Codec.For(Enum.Parse<G711Law>(lawName));
        var tone = Enumerable.Range(0, 8000).Select(i => 0.3f * MathF.Sin(2 * MathF.PI * 1000 * i / 8000f + 0.1f)).ToArray();
        var codes = new byte[tone.Length];
        var back = new float[tone.Length];

        codec.Encode(tone, codes);
        codec.Decode(codes, back);

        var signal = tone.Sum(s => (double)s * s);
        var noise = tone.Zip(back, (a, b) => (double)(a - b) * (a - b)).Sum();
        var snrDb = 10 * Math.Log10(signal / noise);
        Assert.True(snrDb > 35, $"{lawName}: {snrDb:F1} dB signal to quantization noise at -10 dBFS (G.711 gives about 38 dB)");
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void Any_float_must_encode_to_a_code_and_louder_samples_never_to_quieter_levels(string lawName)
    {
        var codec = G711Codec.For(Enum.Parse<G711Law>(lawName));
        Gen.Select(Gen.Float, Gen.Float).Sample((a, b) =>
        {
            var (low, high) = a <= b ? (a, b) : (b, a);
            var decodedLow = codec.Decode(codec.Encode(low));
            var decodedHigh = codec.Decode(codec.Encode(high));

            Assert.InRange(decodedLow, -1f, 1f);
            if (!float.IsNaN(a) && !float.IsNaN(b))
                Assert.True(decodedLow <= decodedHigh, $"{low} → {decodedLow} but {high} → {decodedHigh}");
        }, iter: 5_000);
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void NaN_must_encode_as_silence(string lawName)
    {
        var codec = G711Codec.For(Enum.Parse<G711Law>(lawName));

        Assert.Equal(codec.Encode(0f), codec.Encode(float.NaN));
    }

    [Fact]
    public void Spans_too_short_for_the_input_must_be_an_ArgumentException_naming_the_destination()
    {
        var decode = Assert.Throws<ArgumentException>(() => G711Codec.MuLaw.Decode(new byte[160], new float[159]));
        var encode = Assert.Throws<ArgumentException>(() => G711Codec.ALaw.Encode(new float[160], new byte[10]));

        Assert.Equal("samples", decode.ParamName);
        Assert.Equal("codes", encode.ParamName);
    }

    [Fact]
    public void Decoding_must_write_only_as_many_samples_as_there_are_codes()
    {
        var samples = Enumerable.Repeat(0.75f, 8).ToArray();

        G711Codec.MuLaw.Decode([0xFF, 0x80], samples);

        Assert.Equal([0f, G711Codec.MuLaw.Decode(0x80), 0.75f, 0.75f, 0.75f, 0.75f, 0.75f, 0.75f], samples);
    }
}
