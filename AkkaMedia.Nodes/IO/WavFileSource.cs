using System.Buffers.Binary;
using AkkaMedia.Frames;
using NAudio.Dmo;
using NAudio.Wave;

namespace AkkaMedia.Nodes.IO;

/// <summary>
/// Reads a WAV file as audio frames: 16-bit PCM, 24-bit PCM or 32-bit IEEE float, any sample rate
/// and channel count (plain or WAVE_FORMAT_EXTENSIBLE headers).
/// </summary>
/// <remarks>
/// <para>The file is opened and its header checked when the source is initialized; it is closed when
/// the stage stops, whatever the outcome. Frames hold <see cref="SamplesPerFrame"/> samples per
/// channel (the last may hold fewer), are numbered from 0 and timed by sample position from zero;
/// each frame gets a new buffer. Integer samples are scaled by 1/32768 (16-bit) or 1/8388608
/// (24-bit), so values on that grid come back exactly. Frames are read as fast as downstream asks.</para>
/// <para>Failures name the file: a missing file raises <see cref="FileNotFoundException"/>; a file that
/// is not a WAV file or whose header is cut short or corrupt raises <see cref="InvalidDataException"/>;
/// another encoding or bit depth raises <see cref="NotSupportedException"/>; a data chunk that ends
/// before the length its header declares fails the stream with <see cref="InvalidDataException"/>
/// after the frames read so far. In a stream each arrives wrapped in a <see cref="NodeException"/>.</para>
/// </remarks>
public sealed class WavFileSource : SourceNode<AudioFrame>
{
    /// <summary>The most channels a file may declare: a header is outside bytes, and it sizes the frame buffer.</summary>
    internal const int MaxChannels = 64;

    private readonly Func<Stream>? _open;
    private Stream? _stream;
    private WaveFileReader? _reader;
    private WavEncoding _encoding;
    private int _sampleRate;
    private int _channels;
    private int _bytesPerSample;
    private byte[] _buffer = [];
    private long _position;
    private long _sequence;
    private bool _truncated;

    /// <summary>Creates the source; the file is opened when the source is initialized.</summary>
    /// <param name="path">Path of the WAV file.</param>
    /// <param name="samplesPerFrame">Samples per channel per frame; positive (960 = 20 ms at 48 kHz).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samplesPerFrame"/> is zero or negative.</exception>
    public WavFileSource(string path, int samplesPerFrame = 960)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (samplesPerFrame <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samplesPerFrame), samplesPerFrame, "Samples per frame must be positive.");
        }

        Path = path;
        SamplesPerFrame = samplesPerFrame;
    }

    /// <summary>Test seam: reads the WAV bytes <paramref name="open"/> returns (the source disposes that stream), named <paramref name="name"/> in messages.</summary>
    internal WavFileSource(Func<Stream> open, string name, int samplesPerFrame = 960)
        : this(name, samplesPerFrame) => _open = open;

    /// <summary>Path of the WAV file.</summary>
    public string Path { get; }

    /// <summary>Samples per channel per frame (the last frame may hold fewer).</summary>
    public int SamplesPerFrame { get; }

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        if (_open is null && !File.Exists(Path))
        {
            throw new FileNotFoundException($"WAV file '{Path}' does not exist.", Path);
        }

        _stream = _open is null ? File.OpenRead(Path) : _open();
        try
        {
            CheckBlockAlign(_stream);
            _reader = new WaveFileReader(_stream);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or ArgumentException or InvalidOperationException or OverflowException)
        {
            throw new InvalidDataException($"'{Path}' is not a readable WAV file: {e.Message}", e);
        }

        var format = _reader.WaveFormat;
        _encoding = Classify(format);
        _sampleRate = format.SampleRate;
        _channels = format.Channels;
        _bytesPerSample = format.BitsPerSample / 8;
        if (_sampleRate <= 0 || _channels <= 0 || _channels > MaxChannels || format.BlockAlign != _channels * _bytesPerSample)
        {
            throw new InvalidDataException(
                $"'{Path}' has a corrupt WAV header: {_sampleRate} Hz, {_channels} channel(s) (at most {MaxChannels}), {format.BitsPerSample} bits, block align {format.BlockAlign}.");
        }

        _buffer = new byte[SamplesPerFrame * format.BlockAlign];
    }

    /// <inheritdoc />
    public override bool Produce(INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = _reader ?? throw new InvalidOperationException($"WavFileSource for '{Path}' was not initialized.");
        if (_truncated)
        {
            throw Truncated(reader);
        }

        // A short read means the file ended (the reader accepts only whole blocks, so no retry after a partial one).
        var filled = 0;
        while (filled < _buffer.Length)
        {
            var wanted = _buffer.Length - filled;
            var read = reader.Read(_buffer, filled, wanted);
            filled += Math.Max(0, read);
            if (read < wanted)
            {
                break;
            }
        }

        var blockAlign = _channels * _bytesPerSample;
        var frames = filled / blockAlign;
        if (frames > 0)
        {
            output.Emit(new AudioFrame(Convert(_buffer.AsSpan(0, frames * blockAlign)), _sampleRate, _channels, _sequence++, Timestamp()));
            _position += frames;
        }

        if (filled == _buffer.Length)
        {
            return reader.Position < reader.Length;
        }

        if (reader.Position < reader.Length || filled % blockAlign != 0)
        {
            // Deliver the samples read so far first; the next call reports the truncation.
            _truncated = true;
            return frames > 0 ? true : throw Truncated(reader);
        }

        return false;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader?.Dispose();
            _reader = null;
            _stream?.Dispose();
            _stream = null;
        }
    }

    /// <summary>
    /// Finds the <c>fmt </c> chunk of a plain RIFF file and refuses a block align of zero, on which NAudio's reader
    /// divides by zero; leaves the stream at its start. Anything else unusual is left to NAudio.
    /// </summary>
    private void CheckBlockAlign(Stream stream)
    {
        Span<byte> header = stackalloc byte[12];
        if (!stream.CanSeek || stream.ReadAtLeast(header, 12, throwOnEndOfStream: false) < 12
            || !header[..4].SequenceEqual("RIFF"u8) || !header[8..].SequenceEqual("WAVE"u8))
        {
            stream.Position = 0;
            return;
        }

        Span<byte> chunk = stackalloc byte[8];
        while (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) == 8)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                Span<byte> format = stackalloc byte[14];
                if (size >= 14 && stream.ReadAtLeast(format, 14, throwOnEndOfStream: false) == 14 && BinaryPrimitives.ReadUInt16LittleEndian(format[12..]) == 0)
                {
                    throw new InvalidDataException($"'{Path}' has a corrupt WAV header: its block align is 0.");
                }

                break;
            }

            stream.Seek(size + (size & 1), SeekOrigin.Current);
        }

        stream.Position = 0;
    }

    private InvalidDataException Truncated(WaveFileReader reader) =>
        new($"'{Path}' is truncated: its header declares {reader.Length} bytes of audio but the file ends after {reader.Position}.");

    private WavEncoding Classify(WaveFormat format)
    {
        var encoding = format.Encoding;
        if (encoding == WaveFormatEncoding.Extensible)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real encoding is the sub-format GUID, 6 bytes into the extra data.
            var subFormat = format switch
            {
                WaveFormatExtensible extensible => extensible.SubFormat,
                WaveFormatExtraData { ExtraData.Length: >= 22 } extra => new Guid(extra.ExtraData.AsSpan(6, 16)),
                _ => Guid.Empty,
            };
            encoding = subFormat == AudioMediaSubtypes.MEDIASUBTYPE_PCM ? WaveFormatEncoding.Pcm
                : subFormat == AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT ? WaveFormatEncoding.IeeeFloat
                : WaveFormatEncoding.Extensible;
        }

        return (encoding, format.BitsPerSample) switch
        {
            (WaveFormatEncoding.Pcm, 16) => WavEncoding.Pcm16,
            (WaveFormatEncoding.Pcm, 24) => WavEncoding.Pcm24,
            (WaveFormatEncoding.IeeeFloat, 32) => WavEncoding.Float32,
            _ => throw new NotSupportedException(
                $"'{Path}' holds {format.BitsPerSample}-bit {encoding} audio; supported are 16-bit PCM, 24-bit PCM and 32-bit IEEE float."),
        };
    }

    private float[] Convert(ReadOnlySpan<byte> bytes)
    {
        var samples = new float[bytes.Length / _bytesPerSample];
        switch (_encoding)
        {
            case WavEncoding.Pcm16:
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(2 * i)) * (1f / 32768f);
                }

                break;
            case WavEncoding.Pcm24:
                for (int i = 0, b = 0; i < samples.Length; i++, b += 3)
                {
                    var value = bytes[b] | (bytes[b + 1] << 8) | ((sbyte)bytes[b + 2] << 16);
                    samples[i] = value * (1f / 8388608f);
                }

                break;
            default:
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i));
                }

                break;
        }

        return samples;
    }

    private TimeSpan Timestamp() => TimeSpan.FromTicks((long)((Int128)_position * TimeSpan.TicksPerSecond / _sampleRate));

    private enum WavEncoding
    {
        Pcm16,
        Pcm24,
        Float32,
    }
}
