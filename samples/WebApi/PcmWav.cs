using System.Buffers.Binary;
using System.Text;
using AkkaMedia.Frames;

namespace AkkaMedia.Samples.WebApi;

/// <summary>
/// 16-bit PCM WAV audio held in memory: read from a request body, cut into frames for a pipeline, and written back
/// from the frames a pipeline returns.
/// </summary>
internal sealed class PcmWav
{
    private const string ConvertAdvice = "convert it first, e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav`";

    private PcmWav(int sampleRate, int channels, ReadOnlyMemory<byte> data)
    {
        SampleRate = sampleRate;
        Channels = channels;
        Data = data;
    }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Interleaved channels.</summary>
    public int Channels { get; }

    /// <summary>The data chunk: interleaved little-endian 16-bit samples (a view of the bytes read).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// Reads a RIFF/WAVE file of 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE header). Chunks other than <c>fmt </c> and
    /// <c>data</c> are skipped. The result refers to <paramref name="bytes"/>, which the caller must leave unchanged.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a WAV file, a header cut short or corrupt, or another encoding; the message says what to send instead.</exception>
    public static PcmWav Read(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.Length < 12 || !span[..4].SequenceEqual("RIFF"u8) || !span[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("The body is not a WAV file (it does not start with a RIFF/WAVE header): send a 16-bit PCM WAV file as the body.");
        }

        (int Rate, int Channels)? format = null;
        for (var at = 12; at + 8 <= span.Length;)
        {
            var id = Encoding.ASCII.GetString(span.Slice(at, 4));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(at + 4, 4));
            var start = at + 8;
            if (size > (uint)(span.Length - start))
            {
                throw new InvalidDataException($"The WAV file is cut short: its '{id}' chunk declares {size} bytes but {span.Length - start} follow. Send the whole file.");
            }

            var chunk = bytes.Slice(start, (int)size);
            if (id == "fmt ")
            {
                format = ReadFormat(chunk.Span);
            }
            else if (id == "data")
            {
                var (rate, channels) = format ?? throw new InvalidDataException("The WAV file has its 'data' chunk before its 'fmt ' chunk: it is corrupt.");
                if (chunk.Length % (2 * channels) != 0)
                {
                    throw new InvalidDataException($"The WAV data ({chunk.Length} bytes) is not a whole number of {channels}-channel 16-bit sample groups: the file is corrupt.");
                }

                return new PcmWav(rate, channels, chunk);
            }

            at = start + (int)size + (int)(size & 1);
        }

        throw new InvalidDataException(format is null
            ? "The WAV file has no 'fmt ' chunk: it is corrupt or cut short."
            : "The WAV file has no 'data' chunk: it is corrupt or cut short.");
    }

    /// <summary>A 16-bit PCM WAV file of <paramref name="frames"/>, which all have <paramref name="sampleRate"/> and <paramref name="channels"/>; samples beyond -1..1 are clipped.</summary>
    /// <exception cref="InvalidDataException">A frame has another format.</exception>
    public static byte[] Write(IReadOnlyList<AudioFrame> frames, int sampleRate, int channels)
    {
        var samples = frames.Sum(f => f.Samples.Length);
        var bytes = new byte[44 + (2 * samples)];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], bytes.Length - 8);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], 2 * samples);
        var at = 44;
        foreach (var frame in frames)
        {
            if (frame.SampleRate != sampleRate || frame.Channels != channels)
            {
                throw new InvalidDataException($"Frame {frame.Sequence} is {frame.Format}, the WAV file {sampleRate} Hz, {channels} ch.");
            }

            at += ToPcm16(frame.Samples.Span, span[at..]);
        }

        return bytes;
    }

    /// <summary>Samples of 16-bit little-endian <paramref name="pcm"/> as floats (k/32768).</summary>
    public static float[] ToFloats(ReadOnlySpan<byte> pcm)
    {
        var samples = new float[pcm.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm[(2 * i)..]) / 32768f;
        }

        return samples;
    }

    /// <summary>Writes <paramref name="samples"/> as 16-bit little-endian PCM (rounded, clipped to -1..1) and returns the bytes written.</summary>
    public static int ToPcm16(ReadOnlySpan<float> samples, Span<byte> pcm)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var scaled = float.IsNaN(samples[i]) ? 0f : MathF.Round(samples[i] * 32768f);
            BinaryPrimitives.WriteInt16LittleEndian(pcm[(2 * i)..], (short)Math.Clamp(scaled, short.MinValue, short.MaxValue));
        }

        return 2 * samples.Length;
    }

    /// <summary>The audio as 20 ms frames (the last may be shorter), numbered from 0 and timed from zero.</summary>
    public IEnumerable<AudioFrame> ToFrames()
    {
        var bytesPerFrame = Math.Max(1, SampleRate / 50) * Channels * 2;
        long sequence = 0;
        long position = 0;
        for (var at = 0; at < Data.Length; at += bytesPerFrame)
        {
            var samples = ToFloats(Data.Span.Slice(at, Math.Min(bytesPerFrame, Data.Length - at)));
            yield return new AudioFrame(samples, SampleRate, Channels, sequence++, TimeSpan.FromSeconds((double)position / SampleRate));
            position += samples.Length / Channels;
        }
    }

    private static (int Rate, int Channels) ReadFormat(ReadOnlySpan<byte> fmt)
    {
        if (fmt.Length < 16)
        {
            throw new InvalidDataException($"The WAV file's 'fmt ' chunk holds {fmt.Length} bytes, fewer than the 16 of any format: the file is corrupt.");
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == 0xFFFE && fmt.Length >= 26)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real format tag opens the sub-format GUID.
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        if (tag != 1 || bits != 16)
        {
            var encoding = tag switch { 1 => "PCM", 3 => "IEEE float", 6 => "A-law", 7 => "µ-law", _ => $"format 0x{tag:X4}" };
            throw new InvalidDataException($"The WAV file holds {bits}-bit {encoding} audio; this endpoint takes 16-bit PCM: {ConvertAdvice}.");
        }

        if (channels is 0 or > 32 || rate is < 1000 or > 384000)
        {
            throw new InvalidDataException($"The WAV file declares {rate} Hz and {channels} channel(s); this endpoint takes 1 to 32 channels at 1000 to 384000 Hz.");
        }

        return (rate, channels);
    }
}
