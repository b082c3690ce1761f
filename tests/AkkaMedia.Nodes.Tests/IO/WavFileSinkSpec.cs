using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Tests.Audio;
using AkkaMedia.Nodes.Tests.Contract;
using NAudio.Wave;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.IO;

public sealed class WavFileSinkSpec : NodeContractSpec<AudioFrame, AudioFrame>
{
    private readonly TempFolder _folder = new();

    public WavFileSinkSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<AudioFrame, AudioFrame> CreateNode() => new WavFileSink(_folder.File($"{Guid.NewGuid():N}.wav"));

    protected override IReadOnlyList<AudioFrame> ValidInputs() =>
        TestAudio.Frames(TestAudio.Sine(440, 48000, 2880), 48000, 1, 960);

    [Fact]
    public async Task WavSink_must_round_trip_float32_exactly()
    {
        var samples = TestAudio.Sine(997, 44100, 44100 / 2, channels: 2, amplitude: 0.8);
        samples[3] = 1.5f;
        samples[4] = -2.25f;
        var path = _folder.File("float.wav");

        await TestAudio.RunAsync(new WavFileSink(path, WavSampleFormat.Float32), TestAudio.Frames(samples, 44100, 2, 441), Materializer);
        var readBack = await ReadAsync(path);

        Assert.All(readBack, f => Assert.Equal("44100 Hz, 2 ch", f.Format));
        Assert.Equal(samples, TestAudio.Concat(readBack));
    }

    [Fact]
    public async Task WavSink_must_round_trip_pcm16_exactly_for_samples_on_the_16_bit_grid()
    {
        var samples = TestAudio.Pcm16GridNoise(3 * 5000, seed: 8);
        samples[0] = -1f;
        samples[1] = 32767 / 32768f;
        var path = _folder.File("pcm16.wav");

        await TestAudio.RunAsync(new WavFileSink(path), TestAudio.Frames(samples, 16000, 3, 320), Materializer);
        var readBack = await ReadAsync(path);

        Assert.Equal(samples, TestAudio.Concat(readBack));
        using var reader = new WaveFileReader(path);
        Assert.Equal(new WaveFormat(16000, 16, 3), reader.WaveFormat);
    }

    [Fact]
    public async Task WavSink_must_round_to_the_nearest_16_bit_value_and_clamp()
    {
        var samples = new[] { 0.1f, -0.1f, 1f, 1.5f, -1f, -3f, 0.5f / 32768, 1.6f / 32768, float.NaN };
        var path = _folder.File("clamp.wav");

        await TestAudio.RunAsync(new WavFileSink(path), [new AudioFrame(samples, 8000, 1)], Materializer);

        using var reader = new WaveFileReader(path);
        var bytes = new byte[reader.Length];
        Assert.Equal(bytes.Length, reader.Read(bytes, 0, bytes.Length));
        var stored = Enumerable.Range(0, samples.Length).Select(i => BitConverter.ToInt16(bytes, 2 * i)).ToArray();
        Assert.Equal(new short[] { 3277, -3277, 32767, 32767, -32768, -32768, 0, 2, 0 }, stored);
    }

    [Fact]
    public async Task WavSink_must_pass_every_frame_on_unchanged()
    {
        var inputs = TestAudio.Frames(TestAudio.Sine(300, 8000, 800), 8000, 1, 160);

        var outputs = await TestAudio.RunAsync(new WavFileSink(_folder.File("pass.wav")), inputs, Materializer);

        Assert.Equal(inputs.Count, outputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Same(inputs[i], outputs[i]);
        }
    }

    [Fact]
    public async Task WavSink_must_leave_a_valid_empty_file_for_an_empty_stream()
    {
        var path = _folder.File("empty.wav");

        await TestAudio.RunAsync(new WavFileSink(path), Array.Empty<AudioFrame>(), Materializer);

        using var reader = new WaveFileReader(path);
        Assert.Equal(0, reader.Length);
    }

    [Fact]
    public async Task WavSink_must_fail_on_a_format_change_and_still_close_a_readable_file()
    {
        var path = _folder.File("changed.wav");
        var inputs = new[]
        {
            new AudioFrame(TestAudio.Pcm16GridNoise(320, seed: 1), 16000, 1, 0),
            new AudioFrame(new float[640], 16000, 2, 1),
        };

        var error = await Assert.ThrowsAsync<NodeException>(() => TestAudio.RunAsync(new WavFileSink(path), inputs, Materializer));

        Assert.IsType<FrameFormatException>(error.InnerException);
        Assert.Contains("WavFileSink", error.Message);
        Assert.Contains("16000 Hz, 1 ch", error.Message);
        Assert.Contains("16000 Hz, 2 ch", error.Message);
        await AwaitAssertAsync(async () =>
        {
            // Closed on failure: the header covers the frame written before the bad one.
            var readBack = await ReadAsync(path);
            Assert.Equal(inputs[0].Samples.ToArray(), TestAudio.Concat(readBack));
        });
    }

    [Fact]
    public async Task WavSink_must_fail_at_start_when_the_file_cannot_be_created()
    {
        var path = _folder.File(Path.Combine("no-such-folder", "out.wav"));

        var error = await Assert.ThrowsAsync<NodeException>(() =>
            TestAudio.RunAsync(new WavFileSink(path), TestAudio.Frames(new float[960], 48000, 1, 960), Materializer));

        Assert.Equal("initialize", error.Phase);
        Assert.Contains("no-such-folder", error.Message);
    }

    [Fact]
    public async Task WavSink_must_leave_an_existing_file_alone_when_the_stream_fails_before_the_first_frame()
    {
        var path = _folder.File("keep.wav");
        var before = new byte[] { 1, 2, 3, 4, 5 };
        await File.WriteAllBytesAsync(path, before);
        var node = new TrackingNode<AudioFrame, AudioFrame>(new WavFileSink(path));

        var run = Source.Failed<AudioFrame>(new InvalidOperationException("no audio")).Via(node.AsFlow()).RunWith(Sink.Ignore<AudioFrame>(), Materializer);

        await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        await AwaitAssertAsync(() => Assert.Equal(1, node.Disposed));
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public void WavSink_must_reject_an_unknown_sample_format()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WavFileSink("a.wav", (WavSampleFormat)7));
        Assert.Equal("format", error.ParamName);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _folder.Dispose();
        }
    }

    private async Task<IReadOnlyList<AudioFrame>> ReadAsync(string path) =>
        await new WavFileSource(path, 500).AsSource().RunWith(Sink.Seq<AudioFrame>(), Materializer);
}
