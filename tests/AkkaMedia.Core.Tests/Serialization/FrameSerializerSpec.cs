using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaMedia.Frames;
using AkkaMedia.Serialization;
using CsCheck;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Serialization;

/// <summary>
/// The frame serializer: bit-exact round trips, and a <see cref="SerializationException"/> (never a wrong
/// frame, never another exception type) for any payload it did not write. The header layouts are
/// spelled out here independently of the serializer so a silent layout change fails these specs.
/// </summary>
public sealed class FrameSerializerSpec : TestKit
{
    // A1: rate i32 | channels i32 | sequence i64 | ticks i64 | sample count i32 | float32 samples
    private const int AudioHeader = 28;

    // V1: width i32 | height i32 | format u8 | stride i32 | sequence i64 | ticks i64 | pixel bytes i32 | pixels
    private const int VideoHeader = 33;

    // T1, B1: sequence i64 | ticks i64 | payload bytes i32 | payload
    private const int TimedHeader = 20;

    private readonly FrameSerializer _serializer;

    public FrameSerializerSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
        _serializer = new FrameSerializer((ExtendedActorSystem)Sys);
    }

    [Fact]
    public void AudioFrame_must_round_trip_bit_exactly() =>
        FrameGenerators.Audio.Sample(frame => AssertSameAudio(frame, (AudioFrame)RoundTrip(frame)), iter: 300);

    [Fact]
    public void AudioFrame_must_keep_NaN_payloads_infinities_and_negative_zero()
    {
        var bits = new uint[] { 0x7FC0_1234, 0xFFC0_0001, 0x7F80_0001, 0x7F80_0000, 0xFF80_0000, 0x8000_0000, 0x0000_0001 };
        var frame = new AudioFrame(bits.Select(BitConverter.UInt32BitsToSingle).ToArray(), 48_000, 1, sequence: 3, timestamp: TimeSpan.FromMilliseconds(60));

        var back = (AudioFrame)RoundTrip(frame);

        Assert.Equal(bits, back.Samples.ToArray().Select(BitConverter.SingleToUInt32Bits));
    }

    [Fact]
    public void FromBinary_must_read_audio_samples_in_place_from_the_array_it_takes_over()
    {
        var frame = new AudioFrame(new[] { 0.25f, -0.5f, 0.75f, 1f }, 16_000, 2, sequence: 5);
        var bytes = _serializer.ToBinary(frame);

        var back = (AudioFrame)_serializer.FromBinary(bytes, "A1");
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(AudioHeader + 4), 0.125f);

        // The array is the frame's now (as for video, text and bytes frames): the frame sees what is written to it.
        Assert.Equal(new[] { 0.25f, 0.125f, 0.75f, 1f }, back.Samples.ToArray());
    }

    [Fact]
    public void An_audio_frame_read_in_place_must_pin_at_every_sample_and_refuse_beyond_the_end() =>
        FrameGenerators.Audio.Sample(frame =>
        {
            var back = (AudioFrame)_serializer.FromBinary(_serializer.ToBinary(frame), "A1");
            for (var i = 0; i <= back.Samples.Length; i++)
            {
                using var pinned = back.Samples[i..].Pin();
            }

            if (MemoryMarshal.TryGetMemoryManager<float, System.Buffers.MemoryManager<float>>(back.Samples, out var manager))
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => manager.Pin(back.Samples.Length + 1));
                Assert.Throws<ArgumentOutOfRangeException>(() => manager.Pin(-1));
            }
        }, iter: 100);

    [Fact]
    public void VideoFrame_must_round_trip_bit_exactly_in_every_pixel_format() =>
        FrameGenerators.Video.Sample(frame => AssertSameVideo(frame, (VideoFrame)RoundTrip(frame)), iter: 300);

    [Fact]
    public void VideoFrame_must_cover_all_pixel_formats()
    {
        foreach (var format in Enum.GetValues<PixelFormat>())
        {
            // 3x3 with a stride 2 bytes wider than the minimum, so rows carry padding and I420 chroma rounds up.
            var stride = VideoFrame.MinimumStride(format, 3) + 2;
            var data = Enumerable.Range(0, VideoFrame.RequiredLength(format, 3, stride)).Select(i => (byte)(i * 7)).ToArray();
            var frame = new VideoFrame(data, 3, 3, format, stride, sequence: 9);

            AssertSameVideo(frame, (VideoFrame)RoundTrip(frame));
        }
    }

    [Fact]
    public void TextFrame_must_round_trip_any_unicode_text() =>
        FrameGenerators.Text.Sample(frame =>
        {
            var back = (TextFrame)RoundTrip(frame);
            Assert.Equal(frame.Text, back.Text, StringComparer.Ordinal);
            Assert.Equal(frame.Sequence, back.Sequence);
            Assert.Equal(frame.Timestamp, back.Timestamp);
        }, iter: 300);

    [Fact]
    public void TextFrame_must_keep_surrogate_pairs()
    {
        var frame = new TextFrame("a\U0001F3B5b\U00010348\u00e9", 1, TimeSpan.FromSeconds(1));

        var back = (TextFrame)RoundTrip(frame);

        Assert.Equal(frame.Text, back.Text, StringComparer.Ordinal);
        Assert.Equal(frame.Text.Length, back.Text.Length);
    }

    [Fact]
    public void TextFrame_with_a_lone_surrogate_must_be_refused_rather_than_altered()
    {
        var frame = new TextFrame("ok\ud800", 4);

        var error = Assert.Throws<SerializationException>(() => _serializer.ToBinary(frame));

        Assert.Contains("TextFrame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesFrame_must_round_trip_bit_exactly() =>
        FrameGenerators.Bytes.Sample(frame =>
        {
            var back = (BytesFrame)RoundTrip(frame);
            Assert.True(frame.Data.Span.SequenceEqual(back.Data.Span));
            Assert.Equal(frame.Sequence, back.Sequence);
            Assert.Equal(frame.Timestamp, back.Timestamp);
        }, iter: 300);

    [Fact]
    public void Every_truncation_of_an_audio_payload_must_raise_SerializationException() =>
        FrameGenerators.SmallAudio.Sample(frame => AssertEveryTruncationFails(frame), iter: 100);

    [Fact]
    public void Every_truncation_of_a_video_payload_must_raise_SerializationException() =>
        FrameGenerators.SmallVideo.Sample(frame => AssertEveryTruncationFails(frame), iter: 100);

    [Fact]
    public void Every_truncation_of_a_text_payload_must_raise_SerializationException() =>
        FrameGenerators.Text.Sample(frame => AssertEveryTruncationFails(frame), iter: 100);

    [Fact]
    public void Every_truncation_of_a_bytes_payload_must_raise_SerializationException() =>
        FrameGenerators.Bytes.Sample(frame => AssertEveryTruncationFails(frame), iter: 100);

    [Fact]
    public void A_payload_with_trailing_bytes_must_raise_SerializationException() =>
        Gen.Select(FrameGenerators.AnyFrame, Gen.Byte.Array[1, 8]).Sample((frame, extra) =>
        {
            var bytes = _serializer.ToBinary(frame).Concat(extra).ToArray();
            Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, _serializer.Manifest(frame)));
        }, iter: 200);

    [Fact]
    public void A_corrupt_audio_header_must_raise_SerializationException_or_decode_exactly_what_it_says() =>
        Gen.Select(FrameGenerators.SmallAudio, HeaderCorruption(AudioHeader, [0, 4, 8, 16, 24])).Sample((frame, corrupt) =>
        {
            var bytes = corrupt(_serializer.ToBinary(frame));
            var rate = ReadInt32(bytes, 0);
            var channels = ReadInt32(bytes, 4);
            var count = ReadInt32(bytes, 24);
            var valid = rate > 0 && channels > 0 && count == frame.Samples.Length && count % channels == 0;

            // Both readers: Akka's (in place) and the media link's (into a pooled frame).
            if (!valid)
            {
                Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "A1"));
                Assert.Throws<SerializationException>(() => FrameSerializer.ReadAudio(bytes));
                return;
            }

            var back = Assert.IsType<AudioFrame>(_serializer.FromBinary(bytes, "A1"));
            Assert.Equal(rate, back.SampleRate);
            Assert.Equal(channels, back.Channels);
            Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), back.Sequence);
            Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)), back.Timestamp.Ticks);
            Assert.True(SampleBytes(frame).SequenceEqual(SampleBytes(back)));
            var pooled = FrameSerializer.ReadAudio(bytes);
            Assert.True(pooled.IsPooled);
            Assert.Equal(back, pooled);
            pooled.Release();
        }, iter: 2000);

    [Fact]
    public void A_corrupt_video_header_must_raise_SerializationException_or_decode_exactly_what_it_says() =>
        Gen.Select(FrameGenerators.SmallVideo, HeaderCorruption(VideoHeader, [0, 4, 8, 9, 13, 21, 29])).Sample((frame, corrupt) =>
        {
            var bytes = corrupt(_serializer.ToBinary(frame));
            var width = ReadInt32(bytes, 0);
            var height = ReadInt32(bytes, 4);
            var format = bytes[8];
            var stride = ReadInt32(bytes, 9);
            var length = ReadInt32(bytes, 29);
            var expectedLength = ExpectedPixelBytes(format, width, height, stride);
            var valid = expectedLength is not null && expectedLength == length && length == bytes.Length - VideoHeader;

            if (!valid)
            {
                Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "V1"));
                return;
            }

            var back = Assert.IsType<VideoFrame>(_serializer.FromBinary(bytes, "V1"));
            Assert.Equal(width, back.Width);
            Assert.Equal(height, back.Height);
            Assert.Equal((PixelFormat)format, back.Format);
            Assert.Equal(stride, back.Stride);
            Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(13)), back.Sequence);
            Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(21)), back.Timestamp.Ticks);
            Assert.True(bytes.AsSpan(VideoHeader).SequenceEqual(back.Data.Span));
        }, iter: 3000);

    [Fact]
    public void A_video_header_whose_row_size_overflows_must_raise_SerializationException()
    {
        // 0x40000001 RGBA pixels per row is 4 GiB + 4 bytes: in 32-bit arithmetic that wraps to 4 bytes,
        // which would make a 4-byte stride look sufficient.
        var frame = new VideoFrame(new byte[8], 1, 2, PixelFormat.Rgba32, stride: 4);
        var bytes = _serializer.ToBinary(frame);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 0x4000_0001);

        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "V1"));
    }

    [Fact]
    public void A_corrupt_text_or_bytes_header_must_raise_SerializationException_or_decode_exactly_what_it_says() =>
        Gen.Select(Gen.OneOf<IMediaFrame>(FrameGenerators.Text.Select(f => (IMediaFrame)f), FrameGenerators.Bytes.Select(f => (IMediaFrame)f)), HeaderCorruption(TimedHeader, [0, 8, 16]))
            .Sample((frame, corrupt) =>
            {
                var manifest = _serializer.Manifest(frame);
                var bytes = corrupt(_serializer.ToBinary(frame));
                if (ReadInt32(bytes, 16) != bytes.Length - TimedHeader)
                {
                    Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, manifest));
                    return;
                }

                var back = (IMediaFrame)_serializer.FromBinary(bytes, manifest);
                Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(bytes), back.Sequence);
                Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), back.Timestamp.Ticks);
            }, iter: 2000);

    [Fact]
    public void Invalid_UTF8_in_a_text_payload_must_raise_SerializationException()
    {
        var bytes = _serializer.ToBinary(new TextFrame("ab", 1));
        bytes[TimedHeader] = 0xC3; // a lead byte followed by an ASCII byte is not UTF-8
        bytes[TimedHeader + 1] = 0x28;

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "T1"));

        Assert.Contains("T1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_manifest_must_raise_SerializationException_naming_it_and_the_known_ones()
    {
        var bytes = _serializer.ToBinary(new BytesFrame(new byte[] { 1, 2, 3 }));

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "A2"));

        Assert.Contains("'A2'", error.Message, StringComparison.Ordinal);
        foreach (var known in new[] { "A1", "V1", "T1", "B1" })
        {
            Assert.Contains(known, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Objects_that_are_not_frames_must_be_refused_with_SerializationException()
    {
        Assert.Throws<SerializationException>(() => _serializer.Manifest("not a frame"));
        Assert.Throws<SerializationException>(() => _serializer.ToBinary(42));
    }

    [Fact]
    public void Akka_must_pick_the_frame_serializer_for_every_frame_type()
    {
        IMediaFrame[] frames =
        [
            new AudioFrame(new float[2], 48_000, 1),
            new VideoFrame(new byte[1], 1, 1, PixelFormat.Gray8),
            new TextFrame("t"),
            new BytesFrame(new byte[] { 1 }),
        ];

        foreach (var frame in frames)
        {
            var serializer = Sys.Serialization.FindSerializerFor(frame);
            Assert.IsType<FrameSerializer>(serializer);
            Assert.Equal(FrameSerializer.SerializerIdentifier, serializer.Identifier);
        }

        Assert.Equal(7301, FrameSerializer.SerializerIdentifier);
    }

    [Fact]
    public void Akka_serialization_with_manifest_must_round_trip_every_frame_type() =>
        FrameGenerators.AnyFrame.Sample(frame =>
        {
            var serializer = Sys.Serialization.FindSerializerFor(frame);
            var bytes = Sys.Serialization.Serialize(frame);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, frame);

            var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

            Assert.IsType(frame.GetType(), back);
            Assert.Equal(_serializer.ToBinary(frame), _serializer.ToBinary(back));
        }, iter: 100);

    private object RoundTrip(IMediaFrame frame)
    {
        var bytes = _serializer.ToBinary(frame);
        var back = _serializer.FromBinary(bytes, _serializer.Manifest(frame));

        // Serializing the copy again yields the same bytes: nothing was lost or reinterpreted.
        Assert.Equal(bytes, _serializer.ToBinary(back));
        return back;
    }

    private void AssertEveryTruncationFails(IMediaFrame frame)
    {
        var bytes = _serializer.ToBinary(frame);
        var manifest = _serializer.Manifest(frame);
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<SerializationException>(() => _serializer.FromBinary(prefix, manifest));
        }
    }

    private static void AssertSameAudio(AudioFrame expected, AudioFrame actual)
    {
        Assert.Equal(expected.SampleRate, actual.SampleRate);
        Assert.Equal(expected.Channels, actual.Channels);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.True(SampleBytes(expected).SequenceEqual(SampleBytes(actual)), "samples differ bit for bit");
        Assert.Equal(expected, actual);
    }

    private static void AssertSameVideo(VideoFrame expected, VideoFrame actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.Stride, actual.Stride);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Timestamp, actual.Timestamp);

        // A buffer longer than the picture needs is cut to the picture on the wire.
        var picture = expected.Data.Span[..ExpectedPixelBytes((byte)expected.Format, expected.Width, expected.Height, expected.Stride)!.Value];
        Assert.True(picture.SequenceEqual(actual.Data.Span), "pixels differ");
    }

    private static ReadOnlySpan<byte> SampleBytes(AudioFrame frame) => MemoryMarshal.AsBytes(frame.Samples.Span);

    private static int ReadInt32(byte[] bytes, int offset) => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));

    /// <summary>The pixel bytes a header describes, computed without overflow; null when no valid frame has this header.</summary>
    private static int? ExpectedPixelBytes(byte format, int width, int height, int stride)
    {
        if (width <= 0 || height <= 0 || stride <= 0)
        {
            return null;
        }

        long minStride = format switch
        {
            1 or 4 => width,
            2 => 3L * width,
            3 => 4L * width,
            _ => long.MaxValue,
        };
        if (stride < minStride)
        {
            return null;
        }

        var bytes = format == 1
            ? ((long)stride * height) + (2L * ((stride + 1L) / 2) * ((height + 1L) / 2))
            : (long)stride * height;
        return bytes <= int.MaxValue ? (int)bytes : null;
    }

    /// <summary>
    /// Changes a serialized header: either one field (at one of <paramref name="fieldOffsets"/>) is replaced
    /// by a hostile value, or a few random bits of the header are flipped.
    /// </summary>
    private static Gen<Func<byte[], byte[]>> HeaderCorruption(int headerLength, int[] fieldOffsets)
    {
        var replaceField = Gen.Select(Gen.OneOfConst(fieldOffsets), FrameGenerators.HostileInt, (offset, value) => (Func<byte[], byte[]>)(bytes =>
        {
            var copy = (byte[])bytes.Clone();
            var width = Array.IndexOf(fieldOffsets, offset) + 1 < fieldOffsets.Length ? fieldOffsets[Array.IndexOf(fieldOffsets, offset) + 1] - offset : headerLength - offset;
            switch (width)
            {
                case 1:
                    copy[offset] = (byte)value;
                    break;
                case 4:
                    BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(offset), value);
                    break;
                default:
                    BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(offset), ((long)value << 32) ^ value);
                    break;
            }

            return copy;
        }));

        var flipBits = Gen.Select(Gen.Int[0, headerLength - 1], Gen.Byte[1, 255]).Array[1, 3].Select(flips => (Func<byte[], byte[]>)(bytes =>
        {
            var copy = (byte[])bytes.Clone();
            foreach (var (offset, mask) in flips)
            {
                copy[offset] ^= mask;
            }

            return copy;
        }));

        return Gen.OneOf(replaceField, flipBits);
    }
}
