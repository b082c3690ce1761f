using AkkaMedia.Host.Edge.Codecs;
using CsCheck;

namespace AkkaMedia.Host.Tests.Edge.Codecs;

/// <summary>
/// The edge's Opus packets: 20 ms of audio in, one packet out, and back to audio that keeps its frequency and level;
/// malformed packets (RFC 6716 §3.4) are an <see cref="OpusPacketException"/>, wrong buffer sizes an
/// <see cref="ArgumentException"/> naming the parameter.
/// </summary>
public sealed class OpusCodecSpec
{
    private const float Frequency = 1000f;

    public static TheoryData<int, int> Formats()
    {
        var formats = new TheoryData<int, int>();
        foreach (var rate in OpusFormat.SampleRates)
        {
            formats.Add(rate, 1);
            formats.Add(rate, 2);
        }

        return formats;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_1kHz_tone_must_keep_its_frequency_and_level_through_encoding_and_decoding(int rate, int channels)
    {
        float[] levels = [0.5f, 0.25f]; // left, right: a swapped or mixed channel shows as a wrong level
        const int packets = 50;
        using var encoder = new OpusPacketEncoder(rate, channels);
        using var decoder = new OpusPacketDecoder(rate, channels);
        var tone = Tone(rate, channels, levels, encoder.PacketSamples * packets);
        var decoded = new List<float>();
        var packet = new byte[OpusFormat.MaxPacketBytes];
        var samples = new float[decoder.MaxDecodedSamples];

        for (var p = 0; p < packets; p++)
        {
            var length = encoder.Encode(tone.AsSpan(p * encoder.PacketSamples, encoder.PacketSamples), packet);
            var count = decoder.Decode(packet.AsSpan(0, length), samples);

            Assert.InRange(length, 1, OpusFormat.MaxPacketBytes);
            Assert.Equal(encoder.PacketSamples, count);
            decoded.AddRange(samples.AsSpan(0, count));
        }

        // Leave out the first 200 ms: the codec's delay and its settling.
        var settled = decoded.Skip(rate / 5 * channels).ToArray();
        for (var channel = 0; channel < channels; channel++)
        {
            var signal = settled.Where((_, i) => i % channels == channel).ToArray();
            var (amplitude, share) = ToneMeasure(signal, rate);

            Assert.True(Math.Abs(20 * Math.Log10(amplitude / levels[channel])) < 1,
                $"channel {channel}: the tone came back at {amplitude:F3}, sent at {levels[channel]}");
            Assert.True(share > 0.95, $"channel {channel}: only {share:P1} of the decoded energy is at {Frequency} Hz");
        }
    }

    public static TheoryData<string, byte[]> MalformedPackets()
    {
        // TOC byte (RFC 6716 §3.1): configuration in the top 5 bits, stereo flag, frame count code in the low 2 bits.
        // Configuration 1 is SILK narrowband 20 ms frames.
        static byte Toc(int code) => (byte)((1 << 3) | code);
        return new TheoryData<string, byte[]>
        {
            { "code 1 (two equal frames) with an odd payload (R3)", [Toc(1), 0x01, 0x02, 0x03] },
            { "code 2 whose first frame is longer than the packet (R4)", [Toc(2), 200, 0x01, 0x02] },
            { "code 3 with zero frames (R5)", [Toc(3), 0x00] },
            { "code 3 with 7 frames of 20 ms: 140 ms, over 120 ms (R5)", [Toc(3), 0x07, .. new byte[14]] },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedPackets))]
    public void A_malformed_packet_must_be_an_OpusPacketException_saying_it_is_undecodable(string what, byte[] packet)
    {
        using var decoder = new OpusPacketDecoder(48000, 1);

        var error = Assert.Throws<OpusPacketException>(() => decoder.Decode(packet, new float[decoder.MaxDecodedSamples]));

        Assert.StartsWith("undecodable Opus packet", error.Message);
        Assert.False(string.IsNullOrWhiteSpace(what));
    }

    [Theory]
    [InlineData(48000, 2)]
    [InlineData(8000, 1)]
    public void Any_sequence_of_byte_strings_must_decode_or_be_an_OpusPacketException(int rate, int channels) =>
        Gen.Byte.Array[1, 1500].Array[1, 8].Sample(packets =>
        {
            // A decoder per sample: CsCheck runs samples in parallel, and a decoder keeps state from packet to packet.
            using var decoder = new OpusPacketDecoder(rate, channels);
            var samples = new float[decoder.MaxDecodedSamples];
            foreach (var packet in packets)
            {
                try
                {
                    var count = decoder.Decode(packet, samples);
                    Assert.InRange(count, channels, decoder.MaxDecodedSamples);
                    Assert.Equal(0, count % channels);
                }
                catch (OpusPacketException e)
                {
                    Assert.StartsWith("undecodable Opus packet", e.Message);
                    return;
                }
            }
        }, iter: 2_000);

    [Fact]
    public void An_empty_message_must_be_an_OpusPacketException_rather_than_concealed_loss()
    {
        using var decoder = new OpusPacketDecoder(16000, 1);

        var error = Assert.Throws<OpusPacketException>(() => decoder.Decode([], new float[decoder.MaxDecodedSamples]));

        Assert.Contains("empty", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(+1)]
    [InlineData(-160)]
    public void Encoding_other_than_20_ms_must_be_an_ArgumentException_naming_the_samples(int offset)
    {
        using var encoder = new OpusPacketEncoder(16000, 2);

        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(new float[encoder.PacketSamples + offset], new byte[OpusFormat.MaxPacketBytes]));

        Assert.Equal("samples", error.ParamName);
        Assert.Contains(encoder.PacketSamples.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void Buffers_too_small_for_a_packet_must_be_an_ArgumentException_naming_them()
    {
        using var encoder = new OpusPacketEncoder(8000, 1);
        using var decoder = new OpusPacketDecoder(8000, 1);
        var packet = new byte[OpusFormat.MaxPacketBytes];
        var length = encoder.Encode(new float[encoder.PacketSamples], packet);

        var small = Assert.Throws<ArgumentException>(() => encoder.Encode(new float[encoder.PacketSamples], new byte[100]));
        var short20 = Assert.Throws<ArgumentException>(() => decoder.Decode(packet.AsSpan(0, length), new float[encoder.PacketSamples]));

        Assert.Equal("packet", small.ParamName);
        Assert.Equal("samples", short20.ParamName);
    }

    [Theory]
    [InlineData(44100, 1, "sampleRate")]
    [InlineData(96000, 1, "sampleRate")]
    [InlineData(48000, 0, "channels")]
    [InlineData(48000, 3, "channels")]
    public void A_format_Opus_does_not_code_must_be_refused_naming_the_parameter(int rate, int channels, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new OpusPacketEncoder(rate, channels)).ParamName);
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new OpusPacketDecoder(rate, channels)).ParamName);
    }

    [Fact]
    public void Non_finite_samples_must_be_coded_as_silence_and_leave_later_packets_intact()
    {
        using var encoder = new OpusPacketEncoder(48000, 1);
        using var decoder = new OpusPacketDecoder(48000, 1);
        var packet = new byte[OpusFormat.MaxPacketBytes];
        var samples = new float[decoder.MaxDecodedSamples];
        var poison = Enumerable.Range(0, encoder.PacketSamples).Select(i => i % 3 == 0 ? float.NaN : float.PositiveInfinity).ToArray();
        var tone = Tone(48000, 1, [0.5f], encoder.PacketSamples * 25);

        var decoded = new List<float>();
        decoder.Decode(packet.AsSpan(0, encoder.Encode(poison, packet)), samples);
        for (var p = 0; p < 25; p++)
        {
            var count = decoder.Decode(packet.AsSpan(0, encoder.Encode(tone.AsSpan(p * encoder.PacketSamples, encoder.PacketSamples), packet)), samples);
            decoded.AddRange(samples.AsSpan(0, count));
        }

        var (amplitude, _) = ToneMeasure(decoded.Skip(48000 / 5).ToArray(), 48000);
        Assert.All(decoded, s => Assert.True(float.IsFinite(s)));
        Assert.True(Math.Abs(20 * Math.Log10(amplitude / 0.5)) < 1, $"the tone after the poisoned packet came back at {amplitude:F3}");
    }

    private static float[] Tone(int rate, int channels, float[] levels, int length) => TestTone.Create(rate, channels, levels, length, Frequency);

    private static (double Amplitude, double Share) ToneMeasure(float[] signal, int rate) => TestTone.Measure(signal, rate, Frequency);
}
