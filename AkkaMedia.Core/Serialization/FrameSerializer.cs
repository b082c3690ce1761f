using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using AkkaMedia.Frames;

namespace AkkaMedia.Serialization;

/// <summary>
/// Writes frames as a small little-endian header followed by the raw samples, pixels or bytes, so a
/// 20 ms mono 48 kHz audio frame costs 3,840 bytes of payload plus 28 bytes of header and well under a
/// microsecond to write and read. Bound to every frame type in AkkaMedia.Core's <c>reference.conf</c>.
/// </summary>
/// <remarks>
/// <para>Layouts (all integers little-endian; every header ends with the length of what follows, so a
/// truncated payload is always detected):</para>
/// <list type="bullet">
/// <item><c>A1</c> audio: sample rate i32, channels i32, sequence i64, timestamp ticks i64, sample count i32, float32 samples.</item>
/// <item><c>V1</c> video: width i32, height i32, pixel format u8, stride i32, sequence i64, timestamp ticks i64, pixel byte count i32, pixels.</item>
/// <item><c>T1</c> text and <c>B1</c> bytes: sequence i64, timestamp ticks i64, payload byte count i32, payload (strict UTF-8 for text).</item>
/// </list>
/// <para><see cref="FromBinary"/> takes over the array it is given, as Akka's serializers may: the frame it returns
/// views that array (an audio frame's samples are read in place, on little-endian machines, and so are video pixels
/// and text or bytes payloads), so the array must not be changed afterwards. <see cref="ReadAudio"/>, for buffers the
/// caller reuses, copies into a pooled frame.</para>
/// <para>Round trips are bit-exact. A payload that is truncated, too long, carries an impossible header
/// or an unknown manifest raises <see cref="SerializationException"/>; a wrong frame is never returned.
/// A <see cref="TextFrame"/> whose text is not valid UTF-16 (a lone surrogate) is refused with
/// <see cref="SerializationException"/> instead of being silently altered.</para>
/// </remarks>
internal sealed class FrameSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer identifier registered in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int SerializerIdentifier = 7301;

    internal const string AudioManifest = "A1";
    internal const string VideoManifest = "V1";
    internal const string TextManifest = "T1";
    internal const string BytesManifest = "B1";

    private const int AudioHeader = 4 + 4 + 8 + 8 + 4;
    private const int VideoHeader = 4 + 4 + 1 + 4 + 8 + 8 + 4;
    private const int TimedHeader = 8 + 8 + 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Called by Akka's serialization extension.</summary>
    public FrameSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerIdentifier;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        AudioFrame => AudioManifest,
        VideoFrame => VideoManifest,
        TextFrame => TextManifest,
        BytesFrame => BytesManifest,
        _ => throw new SerializationException($"{nameof(FrameSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}; it handles AudioFrame, VideoFrame, TextFrame and BytesFrame."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        AudioFrame a => WriteAudio(a),
        VideoFrame v => WriteVideo(v),
        TextFrame t => WriteText(t),
        BytesFrame b => WriteBytes(b),
        _ => throw new SerializationException($"{nameof(FrameSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return manifest switch
            {
                AudioManifest => ReadAudioInPlace(bytes),
                VideoManifest => ReadVideo(bytes),
                TextManifest => new TextFrame(StrictUtf8.GetString(ReadTimedPayload(bytes, "TextFrame").Span), ReadSequence(bytes), ReadTimestamp(bytes)),
                BytesManifest => new BytesFrame(ReadTimedPayload(bytes, "BytesFrame"), ReadSequence(bytes), ReadTimestamp(bytes)),
                _ => throw new SerializationException($"Unknown frame manifest '{manifest}'; this node understands {AudioManifest}, {VideoManifest}, {TextManifest} and {BytesManifest}. Are both ends on the same AkkaMedia version?"),
            };
        }
        catch (Exception e) when (e is ArgumentException or DecoderFallbackException)
        {
            throw new SerializationException($"Corrupt frame payload (manifest '{manifest}', {bytes.Length} bytes): {e.Message}", e);
        }
    }

    /// <summary>Bytes <paramref name="frame"/> takes in the <c>A1</c> layout (header included).</summary>
    internal static int AudioLength(AudioFrame frame) => AudioHeader + (frame.Samples.Length * sizeof(float));

    /// <summary>
    /// Writes <paramref name="frame"/> in the <c>A1</c> layout into <paramref name="destination"/>, which must hold
    /// <see cref="AudioLength"/> bytes: the same bytes <see cref="ToBinary"/> returns, without allocating them.
    /// </summary>
    internal static void WriteAudio(AudioFrame frame, Span<byte> destination)
    {
        var span = destination[..AudioLength(frame)];
        BinaryPrimitives.WriteInt32LittleEndian(span, frame.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], frame.Channels);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], frame.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], frame.Timestamp.Ticks);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], frame.Samples.Length);
        if (BitConverter.IsLittleEndian)
        {
            CopyBlock(MemoryMarshal.AsBytes(frame.Samples.Span), span[AudioHeader..]);
        }
        else
        {
            var source = frame.Samples.Span;
            for (var i = 0; i < source.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(AudioHeader + (i * 4))..], source[i]);
            }
        }
    }

    /// <summary>
    /// Reads an <c>A1</c> payload from <paramref name="bytes"/> into a new pooled frame (see <see cref="AudioFrame.Rent"/>)
    /// holding a copy of the samples; the span may be reused afterwards. The caller owns the frame's one reference.
    /// </summary>
    /// <exception cref="SerializationException">The payload is truncated, too long or carries an impossible header.</exception>
    internal static AudioFrame ReadAudio(ReadOnlySpan<byte> bytes)
    {
        ReadAudioHeader(bytes, out var sampleRate, out var channels, out var sequence, out var ticks, out var count);
        AudioFrame frame;
        Span<float> samples;
        try
        {
            // Rent checks the format before it rents anything.
            frame = AudioFrame.Rent(count, sampleRate, channels, sequence, TimeSpan.FromTicks(ticks), out samples);
        }
        catch (ArgumentException e)
        {
            throw CorruptAudio(bytes.Length, e);
        }

        if (BitConverter.IsLittleEndian)
        {
            CopyBlock(bytes[AudioHeader..], MemoryMarshal.AsBytes(samples));
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                samples[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(AudioHeader + (i * 4))..]);
            }
        }

        return frame;
    }

    /// <summary>
    /// Reads an <c>A1</c> payload into a frame whose samples are <paramref name="bytes"/> itself, seen as floats from
    /// the end of the header: no copy, one small object. On a big-endian machine the samples are copied (byte-swapped).
    /// </summary>
    /// <exception cref="SerializationException">The payload is truncated, too long or carries an impossible header.</exception>
    private static AudioFrame ReadAudioInPlace(byte[] bytes)
    {
        if (!BitConverter.IsLittleEndian)
        {
            return ReadAudio(bytes);
        }

        ReadAudioHeader(bytes, out var sampleRate, out var channels, out var sequence, out var ticks, out var count);
        var samples = count == 0 ? ReadOnlyMemory<float>.Empty : new PayloadSamples(bytes, AudioHeader, count).Memory;
        return CreateAudio(samples, sampleRate, channels, sequence, ticks, bytes.Length);
    }

    private static void ReadAudioHeader(ReadOnlySpan<byte> bytes, out int sampleRate, out int channels, out long sequence, out long ticks, out int count)
    {
        if (bytes.Length < AudioHeader)
        {
            throw Truncated("AudioFrame", bytes.Length, AudioHeader);
        }

        sampleRate = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        channels = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        ticks = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]);
        count = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        if (count < 0 || (long)count * 4 != bytes.Length - AudioHeader)
        {
            throw new SerializationException($"Corrupt AudioFrame payload: header announces {count} samples but {bytes.Length - AudioHeader} bytes of samples follow.");
        }
    }

    private static AudioFrame CreateAudio(ReadOnlyMemory<float> samples, int sampleRate, int channels, long sequence, long ticks, int payloadLength)
    {
        try
        {
            return new AudioFrame(samples, sampleRate, channels, sequence, TimeSpan.FromTicks(ticks));
        }
        catch (ArgumentException e)
        {
            throw CorruptAudio(payloadLength, e);
        }
    }

    private static SerializationException CorruptAudio(int payloadLength, ArgumentException cause) =>
        new($"Corrupt AudioFrame payload ({payloadLength} bytes): {cause.Message}", cause);

    /// <summary>
    /// Copies <paramref name="source"/> to the start of <paramref name="destination"/> with vector loads and stores.
    /// <see cref="Span{T}.CopyTo"/> hands copies above 2 KB to the C library's <c>memmove</c>, whose <c>rep movsb</c>
    /// into freshly allocated (uncached) memory costs several times this loop on the AMD processors measured
    /// (docs/benchmarks.md, "Local stages and the frame serializer").
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    private static void CopyBlock(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var target = destination[..source.Length];
        if (!Vector.IsHardwareAccelerated || source.Length < 4 * Vector<byte>.Count || source.Overlaps(target))
        {
            source.CopyTo(target);
            return;
        }

        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(target);
        var width = (nuint)Vector<byte>.Count;
        var last = (nuint)source.Length - (4 * width);
        nuint i = 0;
        for (; i < last; i += 4 * width)
        {
            var a = Vector.LoadUnsafe(ref from, i);
            var b = Vector.LoadUnsafe(ref from, i + width);
            var c = Vector.LoadUnsafe(ref from, i + (2 * width));
            var d = Vector.LoadUnsafe(ref from, i + (3 * width));
            Vector.StoreUnsafe(a, ref to, i);
            Vector.StoreUnsafe(b, ref to, i + width);
            Vector.StoreUnsafe(c, ref to, i + (2 * width));
            Vector.StoreUnsafe(d, ref to, i + (3 * width));
        }

        // The last four vectors end exactly at the end and may overlap bytes already copied.
        var e = Vector.LoadUnsafe(ref from, last);
        var f = Vector.LoadUnsafe(ref from, last + width);
        var g = Vector.LoadUnsafe(ref from, last + (2 * width));
        var h = Vector.LoadUnsafe(ref from, last + (3 * width));
        Vector.StoreUnsafe(e, ref to, last);
        Vector.StoreUnsafe(f, ref to, last + width);
        Vector.StoreUnsafe(g, ref to, last + (2 * width));
        Vector.StoreUnsafe(h, ref to, last + (3 * width));
    }

    private static byte[] WriteAudio(AudioFrame frame)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(AudioLength(frame));
        WriteAudio(frame, buffer);
        return buffer;
    }

    private static byte[] WriteVideo(VideoFrame frame)
    {
        var length = VideoFrame.RequiredLength(frame.Format, frame.Height, frame.Stride);
        var buffer = GC.AllocateUninitializedArray<byte>(VideoHeader + length);
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, frame.Width);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], frame.Height);
        span[8] = (byte)frame.Format;
        BinaryPrimitives.WriteInt32LittleEndian(span[9..], frame.Stride);
        BinaryPrimitives.WriteInt64LittleEndian(span[13..], frame.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[21..], frame.Timestamp.Ticks);
        BinaryPrimitives.WriteInt32LittleEndian(span[29..], length);
        frame.Data.Span[..length].CopyTo(span[VideoHeader..]);
        return buffer;
    }

    private static VideoFrame ReadVideo(byte[] bytes)
    {
        if (bytes.Length < VideoHeader)
        {
            throw Truncated("VideoFrame", bytes.Length, VideoHeader);
        }

        var span = bytes.AsSpan();
        var width = BinaryPrimitives.ReadInt32LittleEndian(span);
        var height = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        var format = (PixelFormat)span[8];
        var stride = BinaryPrimitives.ReadInt32LittleEndian(span[9..]);
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(span[13..]);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[21..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[29..]);
        if (!Enum.IsDefined(format))
        {
            throw new SerializationException($"Corrupt VideoFrame payload: unknown pixel format code {(byte)format}.");
        }

        if (length != bytes.Length - VideoHeader)
        {
            throw new SerializationException($"Corrupt VideoFrame payload: header announces {length} bytes of pixels but {bytes.Length - VideoHeader} follow.");
        }

        if (width <= 0 || height <= 0 || stride <= 0 || (long)stride * height > int.MaxValue || VideoFrame.RequiredLength(format, height, stride) != length)
        {
            throw new SerializationException($"Corrupt VideoFrame payload: {format} {width}x{height} stride {stride} does not match {length} bytes of pixels.");
        }

        return new VideoFrame(bytes.AsMemory(VideoHeader), width, height, format, stride, sequence, TimeSpan.FromTicks(ticks));
    }

    private static byte[] WriteText(TextFrame frame)
    {
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(frame.Text);
        }
        catch (EncoderFallbackException e)
        {
            throw new SerializationException($"TextFrame #{frame.Sequence} holds text that is not valid UTF-16 (a lone surrogate); it cannot be sent unchanged.", e);
        }

        var buffer = AllocateTimed(frame.Sequence, frame.Timestamp, length);
        StrictUtf8.GetBytes(frame.Text, buffer.AsSpan(TimedHeader));
        return buffer;
    }

    private static byte[] WriteBytes(BytesFrame frame)
    {
        var buffer = AllocateTimed(frame.Sequence, frame.Timestamp, frame.Data.Length);
        frame.Data.Span.CopyTo(buffer.AsSpan(TimedHeader));
        return buffer;
    }

    private static byte[] AllocateTimed(long sequence, TimeSpan timestamp, int payloadLength)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(TimedHeader + payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(buffer, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(8), timestamp.Ticks);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(16), payloadLength);
        return buffer;
    }

    private static ReadOnlyMemory<byte> ReadTimedPayload(byte[] bytes, string type)
    {
        if (bytes.Length < TimedHeader)
        {
            throw Truncated(type, bytes.Length, TimedHeader);
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16));
        if (length != bytes.Length - TimedHeader)
        {
            throw new SerializationException($"Corrupt {type} payload: header announces {length} bytes but {bytes.Length - TimedHeader} follow.");
        }

        return bytes.AsMemory(TimedHeader);
    }

    private static long ReadSequence(byte[] bytes) => BinaryPrimitives.ReadInt64LittleEndian(bytes);

    private static TimeSpan ReadTimestamp(byte[] bytes) => TimeSpan.FromTicks(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)));

    private static SerializationException Truncated(string type, int length, int header) =>
        new($"Truncated {type} payload: {length} bytes, shorter than its {header}-byte header.");
}
