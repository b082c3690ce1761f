using System.Buffers.Binary;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using NAudio.Wave;

namespace AkkaMedia.Nodes.IO;

/// <summary>
/// Writes every audio frame to a WAV file and passes it on unchanged, so a pipeline can end here and
/// still count what went through.
/// </summary>
/// <remarks>
/// <para>A missing folder fails the stream when the node is initialized, before any audio flows. The
/// file is created (or overwritten) when the first frame arrives, so a stream that fails before that
/// leaves an existing file alone. The first frame fixes the file's sample rate and channel count;
/// a later frame in another format fails the stream with a <see cref="FrameFormatException"/>.
/// <see cref="WavSampleFormat.Pcm16"/> rounds to the nearest 16-bit value and clamps;
/// <see cref="WavSampleFormat.Float32"/> stores samples bit for bit.</para>
/// <para>At end of stream the header lengths are written, leaving a complete file (an empty stream
/// leaves a valid WAV of length zero, 48 kHz mono). The file is closed when the stage stops, whatever
/// the outcome; after a failure or cancellation it holds the frames written until then, with its
/// header updated on close. Each input is emitted as it is, after it was written.</para>
/// </remarks>
public sealed class WavFileSink : Node<AudioFrame, AudioFrame>
{
    private const int EmptyStreamSampleRate = 48000;

    private readonly AudioFormatGuard _format;
    private FileStream? _file;
    private WaveFileWriter? _writer;
    private byte[] _buffer = [];

    /// <summary>Creates the sink; nothing touches the file system until the node is initialized.</summary>
    /// <param name="path">Path of the WAV file to create or overwrite.</param>
    /// <param name="format">How samples are stored.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined <see cref="WavSampleFormat"/>.</exception>
    public WavFileSink(string path, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown WAV sample format.");
        }

        Path = path;
        Format = format;
        _format = new AudioFormatGuard(Name);
    }

    /// <summary>Path of the WAV file.</summary>
    public string Path { get; }

    /// <summary>How samples are stored.</summary>
    public WavSampleFormat Format { get; }

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot write WAV file '{Path}': folder '{folder}' does not exist.");
        }
    }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (_format.Check(input))
        {
            _writer = CreateWriter(input.SampleRate, input.Channels);
        }

        Write(input.Samples.Span);
        output.Emit(input);
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<AudioFrame> output)
    {
        _writer ??= CreateWriter(EmptyStreamSampleRate, 1);
        _writer.Flush();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The writer updates the header lengths and closes the file; without one, close the file alone.
            try
            {
                _writer?.Dispose();
            }
            finally
            {
                _file?.Dispose();
                _writer = null;
                _file = null;
            }
        }
    }

    private WaveFileWriter CreateWriter(int sampleRate, int channels)
    {
        var file = _file = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read);
        var waveFormat = Format == WavSampleFormat.Float32
            ? WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, channels)
            : new WaveFormat(sampleRate, 16, channels);
        return new WaveFileWriter(file, waveFormat);
    }

    private void Write(ReadOnlySpan<float> samples)
    {
        var bytesPerSample = Format == WavSampleFormat.Float32 ? 4 : 2;
        var length = samples.Length * bytesPerSample;
        if (_buffer.Length < length)
        {
            _buffer = new byte[length];
        }

        var bytes = _buffer.AsSpan(0, length);
        if (Format == WavSampleFormat.Float32)
        {
            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.Slice(4 * i), samples[i]);
            }
        }
        else
        {
            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.Slice(2 * i), ToPcm16(samples[i]));
            }
        }

        _writer!.Write(_buffer, 0, length);
    }

    private static short ToPcm16(float sample)
    {
        var scaled = sample * 32768f;
        if (scaled >= 32767f)
        {
            return short.MaxValue;
        }

        if (scaled <= -32768f)
        {
            return short.MinValue;
        }

        return float.IsNaN(scaled) ? (short)0 : (short)MathF.Round(scaled);
    }
}
