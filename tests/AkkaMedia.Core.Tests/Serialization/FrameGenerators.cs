using AkkaMedia.Frames;
using CsCheck;

namespace AkkaMedia.Core.Tests.Serialization;

/// <summary>CsCheck generators for random but valid frames of every kind.</summary>
internal static class FrameGenerators
{
    /// <summary>Any 32-bit pattern as a float, with the special values (NaN payloads, ±Inf, -0, denormals) over-represented.</summary>
    public static readonly Gen<float> AnySample = Gen.Frequency(
        (6, Gen.UInt.Select(BitConverter.UInt32BitsToSingle)),
        (2, Gen.Float[-1f, 1f]),
        (2, Gen.OneOfConst(
            float.NaN,
            BitConverter.UInt32BitsToSingle(0x7FC0_1234), // quiet NaN with a payload
            BitConverter.UInt32BitsToSingle(0xFFC0_0001), // negative NaN
            BitConverter.UInt32BitsToSingle(0x7F80_0001), // signalling NaN
            float.PositiveInfinity,
            float.NegativeInfinity,
            -0f,
            0f,
            float.Epsilon,
            -float.Epsilon,
            float.MaxValue,
            float.MinValue)));

    public static readonly Gen<TimeSpan> AnyTimestamp = Gen.Long.Select(TimeSpan.FromTicks);

    public static readonly Gen<int> AnySampleRate = Gen.Frequency(
        (1, Gen.OneOfConst(8_000, 16_000, 22_050, 44_100, 48_000, 96_000)),
        (1, Gen.Int[1, int.MaxValue]));

    /// <summary>Audio frames of 1-8 channels and 0-200 samples per channel (empty frames included).</summary>
    public static readonly Gen<AudioFrame> Audio = AudioFrames(200);

    /// <summary>Audio frames small enough to try every truncation.</summary>
    public static readonly Gen<AudioFrame> SmallAudio = AudioFrames(6);

    /// <summary>Video frames in every pixel format, odd and even sizes, strides above the minimum, sometimes a longer buffer than needed.</summary>
    public static readonly Gen<VideoFrame> Video = VideoFrames(23);

    /// <summary>Video frames small enough to try every truncation.</summary>
    public static readonly Gen<VideoFrame> SmallVideo = VideoFrames(5);

    private static Gen<AudioFrame> AudioFrames(int maxPerChannel) =>
        Gen.Select(Gen.Int[1, 8], Gen.Frequency((1, Gen.Const(0)), (9, Gen.Int[1, maxPerChannel])))
            .SelectMany((channels, perChannel) => Gen.Select(
                AnySample.Array[channels * perChannel],
                AnySampleRate,
                Gen.Long,
                AnyTimestamp,
                (samples, rate, sequence, timestamp) => new AudioFrame(samples, rate, channels, sequence, timestamp)));

    private static Gen<VideoFrame> VideoFrames(int maxSide) =>
        Gen.Select(Gen.Enum<PixelFormat>(), Gen.Int[1, maxSide], Gen.Int[1, maxSide], Gen.Int[0, 9], Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[1, 16])))
            .SelectMany((format, width, height, padding, slack) =>
            {
                var stride = VideoFrame.MinimumStride(format, width) + padding;
                var length = VideoFrame.RequiredLength(format, height, stride) + slack;
                return Gen.Select(
                    Gen.Byte.Array[length],
                    Gen.Long,
                    AnyTimestamp,
                    (data, sequence, timestamp) => new VideoFrame(data, width, height, format, stride, sequence, timestamp));
            });

    /// <summary>One Unicode scalar value (never a lone surrogate); astral planes are frequent so surrogate pairs appear.</summary>
    public static readonly Gen<string> AnyScalar = Gen.Frequency(
        (3, Gen.Int[0x20, 0x7E]),
        (2, Gen.Int[0x80, 0xD7FF]),
        (1, Gen.Int[0xE000, 0xFFFF]),
        (3, Gen.Int[0x1_0000, 0x10_FFFF]),
        (1, Gen.Int[0, 0x1F]))
        .Select(char.ConvertFromUtf32);

    public static readonly Gen<TextFrame> Text =
        Gen.Select(AnyScalar.Array[0, 40], Gen.Long, AnyTimestamp, (parts, sequence, timestamp) => new TextFrame(string.Concat(parts), sequence, timestamp));

    public static readonly Gen<BytesFrame> Bytes =
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Long, AnyTimestamp, (data, sequence, timestamp) => new BytesFrame(data, sequence, timestamp));

    /// <summary>Any of the four frame kinds.</summary>
    public static readonly Gen<IMediaFrame> AnyFrame = Gen.OneOf<IMediaFrame>(
        Audio.Select(f => (IMediaFrame)f),
        Video.Select(f => (IMediaFrame)f),
        Text.Select(f => (IMediaFrame)f),
        Bytes.Select(f => (IMediaFrame)f));

    /// <summary>Values that often break header parsing: zero, negatives, extremes and widths that overflow a row size.</summary>
    public static readonly Gen<int> HostileInt = Gen.Frequency(
        (3, Gen.OneOfConst(0, -1, 1, 2, 3, int.MinValue, int.MaxValue, 0x4000_0001, 0x5555_5556, 0x2AAA_AAAB, unchecked((int)0x8000_0001))),
        (3, Gen.Int[-64, 64]),
        (2, Gen.Int));
}
