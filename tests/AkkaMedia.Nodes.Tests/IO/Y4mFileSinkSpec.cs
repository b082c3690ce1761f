using System.Text;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Tests.Contract;
using AkkaMedia.Nodes.Tests.Video;
using AkkaMedia.Nodes.Video;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.IO;

public sealed class Y4mFileSinkSpec : NodeContractSpec<VideoFrame, VideoFrame>
{
    private readonly Y4mTestFiles _files = new();

    public Y4mFileSinkSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<VideoFrame, VideoFrame> CreateNode() => new Y4mFileSink(_files.NewPath());

    protected override IReadOnlyList<VideoFrame> ValidInputs() => VideoTestFrames.Take(new TestPatternSource(6, 4, PixelFormat.I420, 30, 3), 3);

    [Theory]
    [InlineData("YUV4MPEG2 W5 H3 F30:1 Ip A1:1 C420jpeg", 5, 3, true)]
    [InlineData("YUV4MPEG2 W33 H17 F30000:1001 Ip A1:1 C420jpeg", 33, 17, true)]
    [InlineData("YUV4MPEG2 W7 H5 F25:1 Ip A1:1 Cmono", 7, 5, false)]
    [InlineData("YUV4MPEG2 W1 H1 F24000:1001 Ip A1:1 Cmono", 1, 1, false)]
    public async Task Round_trip_through_source_and_sink_must_be_byte_exact(string header, int width, int height, bool colour)
    {
        var length = colour ? Y4mTestFiles.I420Length(width, height) : width * height;
        var planes = Enumerable.Range(0, 5).Select(n => Y4mTestFiles.Planes(length, (width * 31) + n)).ToList();
        var original = _files.Write(Y4mTestFiles.Build(header, planes), "original");
        var copy = _files.NewPath("copy");

        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var passed = await new Y4mFileSource(original).AsSource()
                .Via(new Y4mFileSink(copy).AsFlow())
                .RunWith(Sink.Seq<VideoFrame>(), Materializer);
            Assert.Equal(5, passed.Count);
        }, Materializer);

        // The sink writes the header in the same form, so the files are identical.
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));

        // And the frames read back from the copy are the frames of the original.
        var first = await ReadAllAsync(original);
        var second = await ReadAllAsync(copy);
        Assert.Equal(first, second);
        Assert.Equal(planes, second.Select(f => f.Data.ToArray()));
    }

    [Fact]
    public async Task Sink_must_pass_every_frame_on_unchanged()
    {
        var frames = VideoTestFrames.Take(new TestPatternSource(8, 6, PixelFormat.Gray8, 30, 4), 4);
        var before = frames.Select(f => f.Data.ToArray()).ToList();

        var passed = await Source.From(frames).Via(new Y4mFileSink(_files.NewPath()).AsFlow()).RunWith(Sink.Seq<VideoFrame>(), Materializer);

        Assert.Equal(frames.Count, passed.Count);
        Assert.All(frames.Zip(passed), pair => Assert.Same(pair.First, pair.Second));
        Assert.Equal(before, frames.Select(f => f.Data.ToArray()));
    }

    [Fact]
    public async Task Sink_must_write_rows_without_stride_padding()
    {
        var frame = VideoTestFrames.I420(3, 3, (x, y) => (byte)((y * 3) + x), (x, y) => (byte)(100 + (y * 2) + x), (x, y) => (byte)(200 + (y * 2) + x), padding: 5);
        var path = _files.NewPath();

        await Source.Single(frame).Via(new Y4mFileSink(path, 50).AsFlow()).RunWith(Sink.Ignore<VideoFrame>(), Materializer);

        // Y 3x3, then U and V each 2x2, without the padding bytes.
        byte[] planes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 102, 103, 200, 201, 202, 203];
        Assert.Equal(Y4mTestFiles.Build("YUV4MPEG2 W3 H3 F50:1 Ip A1:1 C420jpeg", [planes]), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(30.0, "F30:1")]
    [InlineData(15.0, "F15:1")]
    [InlineData(29.97002997, "F30000:1001")]
    [InlineData(12.5, "F25:2")]
    public async Task Sink_must_take_the_rate_from_the_first_two_timestamps(double fps, string tag)
    {
        var frames = VideoTestFrames.Take(new TestPatternSource(4, 4, PixelFormat.Gray8, fps, 3), 3);
        var path = _files.NewPath();

        // The constructor's rate (60) is only a fallback.
        await Source.From(frames).Via(new Y4mFileSink(path, 60).AsFlow()).RunWith(Sink.Ignore<VideoFrame>(), Materializer);

        Assert.Equal($"YUV4MPEG2 W4 H4 {tag} Ip A1:1 Cmono", HeaderOf(path));
    }

    [Fact]
    public async Task Sink_must_use_the_given_rate_for_a_single_frame()
    {
        var path = _files.NewPath();

        await Source.From(VideoTestFrames.Take(new TestPatternSource(4, 2, PixelFormat.Gray8, 30, 1), 1))
            .Via(new Y4mFileSink(path, 24).AsFlow()).RunWith(Sink.Ignore<VideoFrame>(), Materializer);

        Assert.Equal("YUV4MPEG2 W4 H2 F24:1 Ip A1:1 Cmono", HeaderOf(path));
        Assert.Equal(Y4mTestFiles.Build(HeaderOf(path), [new byte[8]]).Length, new FileInfo(path).Length);
    }

    [Theory]
    [InlineData(PixelFormat.Rgb24, "Rgb24 4x4")]
    [InlineData(PixelFormat.Rgba32, "Rgba32 4x4")]
    public async Task A_frame_in_an_unsupported_format_must_fail_the_stream_naming_the_node_and_both_formats(PixelFormat format, string actual)
    {
        var path = _files.NewPath();
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var run = NodeFlow.CreateSource(() => new TestPatternSource(4, 4, format, 30, 2))
                .Via(new Y4mFileSink(path).AsFlow())
                .RunWith(Sink.Ignore<VideoFrame>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            Assert.Contains("Y4mFileSink", error.Message);
            Assert.Contains("I420 or Gray8", error.Message);
            Assert.Contains(actual, error.Message);
            var inner = Assert.IsType<FrameFormatException>(error.InnerException);
            Assert.Equal(("Y4mFileSink", "I420 or Gray8", actual), (inner.NodeName, inner.Expected, inner.Actual));
        }, Materializer);

        // The file was closed on failure: it can be opened exclusively.
        await AwaitAssertAsync(() => new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
    }

    [Fact]
    public async Task A_frame_of_another_size_must_fail_the_stream_naming_both_formats()
    {
        VideoFrame[] frames =
        [
            .. VideoTestFrames.Take(new TestPatternSource(4, 4, PixelFormat.I420), 1),
            .. VideoTestFrames.Take(new TestPatternSource(6, 4, PixelFormat.I420), 1),
        ];

        var error = await Assert.ThrowsAsync<NodeException>(() =>
            Source.From(frames).Via(new Y4mFileSink(_files.NewPath()).AsFlow()).RunWith(Sink.Ignore<VideoFrame>(), Materializer));

        Assert.Equal("Node 'Y4mFileSink' expects I420 4x4 but received I420 6x4.", error.Message);
    }

    [Fact]
    public async Task Sink_must_close_the_file_when_upstream_fails()
    {
        var path = _files.NewPath();
        var frames = VideoTestFrames.Take(new TestPatternSource(4, 4, PixelFormat.I420, 30, 3), 3);
        var run = Source.From(frames).Concat(Source.Failed<VideoFrame>(new InvalidOperationException("camera unplugged")))
            .Via(new Y4mFileSink(path).AsFlow())
            .RunWith(Sink.Ignore<VideoFrame>(), Materializer);

        await Assert.ThrowsAsync<InvalidOperationException>(() => run);

        await AwaitAssertAsync(() => new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-30.0)]
    [InlineData(double.NaN)]
    public void Sink_must_refuse_a_rate_that_is_not_positive_and_finite(double fps)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Y4mFileSink(_files.NewPath(), fps));
        Assert.Equal("framesPerSecond", error.ParamName);
    }

    [Fact]
    public void Sink_must_refuse_an_empty_path() =>
        Assert.Throws<ArgumentException>(() => new Y4mFileSink(string.Empty));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _files.Dispose();
        }
    }

    private static string HeaderOf(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Encoding.ASCII.GetString(bytes, 0, Array.IndexOf(bytes, (byte)'\n'));
    }

    private async Task<IReadOnlyList<VideoFrame>> ReadAllAsync(string path) =>
        await new Y4mFileSource(path).AsSource().RunWith(Sink.Seq<VideoFrame>(), Materializer);
}
