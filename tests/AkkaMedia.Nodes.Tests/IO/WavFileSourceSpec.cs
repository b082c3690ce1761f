using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Tests.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using NAudio.Wave;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.IO;

public sealed class WavFileSourceSpec : SourceContractSpec<AudioFrame>
{
    private readonly TempFolder _folder = new();

    public WavFileSourceSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override SourceNode<AudioFrame> CreateSource()
    {
        var path = _folder.File($"{Guid.NewGuid():N}.wav");
        WriteWithNAudio(path, new WaveFormat(16000, 16, 1), Pcm16Bytes(TestAudio.Pcm16GridNoise(1000, seed: 1)));
        return new WavFileSource(path, samplesPerFrame: 320);
    }

    [Fact]
    public async Task WavSource_must_read_16_bit_pcm_exactly_in_frames_of_the_given_size()
    {
        var samples = TestAudio.Pcm16GridNoise(2 * 1000, seed: 2);
        var path = _folder.File("pcm16.wav");
        WriteWithNAudio(path, new WaveFormat(8000, 16, 2), Pcm16Bytes(samples));

        var frames = await ReadAsync(path, 300);

        Assert.Equal(new[] { 300, 300, 300, 100 }, frames.Select(f => f.SamplesPerChannel));
        Assert.All(frames, f => Assert.Equal("8000 Hz, 2 ch", f.Format));
        Assert.Equal(new long[] { 0, 1, 2, 3 }, frames.Select(f => f.Sequence));
        Assert.Equal(new[] { 0.0, 37.5, 75.0, 112.5 }, frames.Select(f => f.Timestamp.TotalMilliseconds));
        Assert.Equal(samples, TestAudio.Concat(frames));
    }

    [Fact]
    public async Task WavSource_must_read_24_bit_pcm_exactly()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 777).Select(_ => random.Next(-8388608, 8388608)).ToArray();
        var bytes = new byte[values.Length * 3];
        for (var i = 0; i < values.Length; i++)
        {
            bytes[3 * i] = (byte)values[i];
            bytes[(3 * i) + 1] = (byte)(values[i] >> 8);
            bytes[(3 * i) + 2] = (byte)(values[i] >> 16);
        }

        var path = _folder.File("pcm24.wav");
        WriteWithNAudio(path, new WaveFormat(44100, 24, 1), bytes);

        var frames = await ReadAsync(path, 441);

        Assert.Equal(values.Select(v => v / 8388608f), TestAudio.Concat(frames));
    }

    [Fact]
    public async Task WavSource_must_read_32_bit_float_exactly()
    {
        var samples = TestAudio.Sine(1000, 48000, 4800, channels: 2, amplitude: 0.9);
        samples[17] = 1.75f;
        var path = _folder.File("float.wav");
        using (var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(48000, 2)))
        {
            writer.WriteSamples(samples, 0, samples.Length);
        }

        var frames = await ReadAsync(path, 960);

        Assert.Equal(5, frames.Count);
        Assert.Equal(samples, TestAudio.Concat(frames));
    }

    [Fact]
    public async Task WavSource_must_read_an_extensible_header()
    {
        var samples = TestAudio.Pcm16GridNoise(600, seed: 4);
        var path = _folder.File("extensible.wav");
        WriteWithNAudio(path, new WaveFormatExtensible(16000, 16, 2), Pcm16Bytes(samples));

        var frames = await ReadAsync(path, 100);

        Assert.Equal("16000 Hz, 2 ch", frames[0].Format);
        Assert.Equal(samples, TestAudio.Concat(frames));
    }

    [Fact]
    public async Task WavSource_must_fail_with_the_path_when_the_file_is_missing()
    {
        var path = _folder.File("missing.wav");

        var error = await Assert.ThrowsAsync<NodeException>(() => ReadAsync(path, 960));

        Assert.IsType<FileNotFoundException>(error.InnerException);
        Assert.Contains(path, error.Message);
        Assert.Contains("WavFileSource", error.Message);
    }

    [Fact]
    public async Task WavSource_must_fail_with_the_path_when_the_file_is_not_a_wav_file()
    {
        var path = _folder.File("notes.wav");
        await File.WriteAllTextAsync(path, "These are not the samples you are looking for. ".PadRight(200, '.'));

        var error = await Assert.ThrowsAsync<NodeException>(() => ReadAsync(path, 960));

        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(30)]
    public async Task WavSource_must_fail_with_the_path_when_the_header_is_truncated(int keptBytes)
    {
        var full = _folder.File("full.wav");
        WriteWithNAudio(full, new WaveFormat(16000, 16, 1), Pcm16Bytes(TestAudio.Pcm16GridNoise(100, seed: 5)));
        var path = _folder.File($"cut-{keptBytes}.wav");
        await File.WriteAllBytesAsync(path, (await File.ReadAllBytesAsync(full))[..keptBytes]);

        var error = await Assert.ThrowsAsync<NodeException>(() => ReadAsync(path, 960));

        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task WavSource_must_deliver_what_it_read_then_fail_with_the_path_when_the_data_is_truncated()
    {
        var samples = TestAudio.Pcm16GridNoise(1000, seed: 6);
        var full = _folder.File("full.wav");
        WriteWithNAudio(full, new WaveFormat(16000, 16, 1), Pcm16Bytes(samples));
        var bytes = await File.ReadAllBytesAsync(full);
        var path = _folder.File("cut-data.wav");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length - 801)]);

        var received = new List<AudioFrame>();
        var run = new WavFileSource(path, 200).AsSource().RunForeach(received.Add, Materializer);
        var error = await Assert.ThrowsAsync<NodeException>(() => run);

        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Equal(3, received.Count);
        Assert.Equal(samples[..599], TestAudio.Concat(received));
    }

    [Fact]
    public async Task WavSource_must_fail_with_the_path_for_an_unsupported_encoding()
    {
        var path = _folder.File("pcm8.wav");
        WriteWithNAudio(path, new WaveFormat(8000, 8, 1), new byte[800]);

        var error = await Assert.ThrowsAsync<NodeException>(() => ReadAsync(path, 960));

        Assert.IsType<NotSupportedException>(error.InnerException);
        Assert.Contains(path, error.Message);
        Assert.Contains("8-bit", error.Message);
    }

    [Fact]
    public void WavSource_must_reject_a_frame_size_that_is_not_positive()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WavFileSource("a.wav", 0));
        Assert.Equal("samplesPerFrame", error.ParamName);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _folder.Dispose();
        }
    }

    private async Task<IReadOnlyList<AudioFrame>> ReadAsync(string path, int samplesPerFrame) =>
        await new WavFileSource(path, samplesPerFrame).AsSource().RunWith(Sink.Seq<AudioFrame>(), Materializer);

    private static void WriteWithNAudio(string path, WaveFormat format, byte[] data)
    {
        using var writer = new WaveFileWriter(path, format);
        writer.Write(data, 0, data.Length);
    }

    private static byte[] Pcm16Bytes(float[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            var value = (short)Math.Round(samples[i] * 32768.0);
            bytes[2 * i] = (byte)value;
            bytes[(2 * i) + 1] = (byte)(value >> 8);
        }

        return bytes;
    }
}
