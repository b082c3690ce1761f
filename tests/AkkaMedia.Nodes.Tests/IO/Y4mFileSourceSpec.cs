using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.IO;

public sealed class Y4mFileSourceSpec : SourceContractSpec<VideoFrame>
{
    private readonly Y4mTestFiles _files = new();
    private readonly string _threeFrames;

    public Y4mFileSourceSpec(ITestOutputHelper output)
        : base(output)
    {
        _threeFrames = _files.Write(Y4mTestFiles.Build(
            "YUV4MPEG2 W6 H4 F30:1 Ip A1:1 C420jpeg",
            Enumerable.Range(0, 3).Select(n => Y4mTestFiles.Planes(Y4mTestFiles.I420Length(6, 4), n))));
    }

    protected override SourceNode<VideoFrame> CreateSource() => new Y4mFileSource(_threeFrames);

    [Theory]
    [InlineData("C420jpeg")]
    [InlineData("C420mpeg2")]
    [InlineData("C420paldv")]
    [InlineData("C420")]
    [InlineData("")]
    public async Task Source_must_read_4_2_0_frames_byte_exact_as_I420(string colourspace)
    {
        // 5x3: odd on both axes, so the chroma planes are 3x2.
        var planes = Enumerable.Range(0, 4).Select(n => Y4mTestFiles.Planes(Y4mTestFiles.I420Length(5, 3), 100 + n)).ToList();
        var path = _files.Write(Y4mTestFiles.Build($"YUV4MPEG2 W5 H3 F30000:1001 It A1:1 {colourspace} XCOMMENT=yes".TrimEnd(), planes));

        var frames = await ReadAsync(path);

        Assert.Equal(4, frames.Count);
        for (var n = 0; n < 4; n++)
        {
            var frame = frames[n];
            Assert.Equal((5, 3, PixelFormat.I420, 5), (frame.Width, frame.Height, frame.Format, frame.Stride));
            Assert.Equal(planes[n], frame.Data.ToArray());
            Assert.Equal(n, frame.Sequence);

            // F30000:1001: frame n at n × 1001 / 30000 s.
            Assert.Equal(TimeSpan.FromTicks((long)Math.Round(n * 1001 * 1e7 / 30000)), frame.Timestamp);
        }
    }

    [Fact]
    public async Task Source_must_read_Cmono_frames_as_Gray8()
    {
        var planes = Enumerable.Range(0, 2).Select(n => Y4mTestFiles.Planes(7 * 5, n)).ToList();
        var path = _files.Write(Y4mTestFiles.Build("YUV4MPEG2 W7 H5 F25:1 Ip A0:0 Cmono", planes));

        var frames = await ReadAsync(path);

        Assert.Equal([PixelFormat.Gray8, PixelFormat.Gray8], frames.Select(f => f.Format));
        Assert.Equal(planes[1], frames[1].Data.ToArray());
        Assert.Equal(TimeSpan.FromMilliseconds(40), frames[1].Timestamp);
    }

    [Fact]
    public async Task Source_must_read_a_file_without_a_rate_at_25_fps()
    {
        var path = _files.Write(Y4mTestFiles.Build("YUV4MPEG2 W2 H2 Cmono", [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]));

        var frames = await ReadAsync(path);

        Assert.Equal(TimeSpan.FromMilliseconds(80), frames[2].Timestamp);
    }

    [Fact]
    public async Task Source_must_complete_a_file_with_a_header_and_no_frames()
    {
        var path = _files.Write(Y4mTestFiles.Build("YUV4MPEG2 W2 H2 F30:1 C420jpeg", []));
        Assert.Empty(await ReadAsync(path));
    }

    [Fact]
    public async Task A_missing_file_must_fail_the_stream_naming_the_path()
    {
        var path = _files.NewPath("missing");

        var error = await ReadFailureAsync(path);

        Assert.Contains(path, error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.IsType<FileNotFoundException>(error.InnerException);
    }

    [Theory]
    [InlineData("RIFF\0\0\0\0WAVEfmt \n", "signature")]
    [InlineData("YUV4MPEG2 W4 H4 F30:1", "not terminated")]
    [InlineData("YUV4MPEG2 H4 F30:1\n", "W (width)")]
    [InlineData("YUV4MPEG2 W4 Hx F30:1\n", "'Hx'")]
    [InlineData("YUV4MPEG2 W4 H4 F30\n", "'F30'")]
    [InlineData("YUV4MPEG2 W4 H4 F30:1 C444\n", "C444")]
    [InlineData("YUV4MPEG2 W2 H2 F30:1 Cmono\nFRAMX\n\u0001\u0002\u0003\u0004", "FRAME marker")]
    [InlineData("YUV4MPEG2 W2 H2 F30:1 Cmono\nFRAME\n\u0001\u0002\u0003\u0004FRA", "cut short")]
    [InlineData("YUV4MPEG2 W2 H2 F30:1 Cmono\nFRAME\n\u0001\u0002\u0003\u0004FRAME\n\u0001\u0002", "truncated: frame 1 has 2 of its 4 bytes")]
    [InlineData("", "empty")]
    public async Task A_corrupt_file_must_fail_the_stream_naming_the_path_and_the_fault(string content, string fault)
    {
        var path = _files.Write(System.Text.Encoding.Latin1.GetBytes(content), "corrupt");

        var error = await ReadFailureAsync(path);

        Assert.Contains(path, error.Message);
        Assert.Contains(fault, error.Message);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void Source_must_refuse_an_empty_path() =>
        Assert.Throws<ArgumentException>(() => new Y4mFileSource(" "));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _files.Dispose();
        }
    }

    private async Task<IReadOnlyList<VideoFrame>> ReadAsync(string path)
    {
        IReadOnlyList<VideoFrame> frames = [];
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            frames = await new Y4mFileSource(path).AsSource().RunWith(Sink.Seq<VideoFrame>(), Materializer);
        }, Materializer);
        return frames;
    }

    private async Task<NodeException> ReadFailureAsync(string path)
    {
        NodeException? error = null;
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            error = await Assert.ThrowsAsync<NodeException>(() =>
                new Y4mFileSource(path).AsSource().RunWith(Sink.Seq<VideoFrame>(), Materializer));
        }, Materializer);
        Assert.Equal("Y4mFileSource", error!.NodeName);
        return error;
    }
}
