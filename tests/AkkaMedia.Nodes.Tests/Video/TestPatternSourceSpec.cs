using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Tests.Contract;
using AkkaMedia.Nodes.Video;
using Xunit.Abstractions;
using static AkkaMedia.Nodes.Tests.Video.VideoTestFrames;

namespace AkkaMedia.Nodes.Tests.Video;

public sealed class TestPatternSourceSpec : SourceContractSpec<VideoFrame>
{
    public TestPatternSourceSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override SourceNode<VideoFrame> CreateSource() => new TestPatternSource(16, 12, PixelFormat.I420, 30, 3);

    [Fact]
    public void Pattern_must_stamp_frame_n_at_n_over_fps_seconds()
    {
        var frames = Take(new TestPatternSource(8, 8, PixelFormat.Gray8, 25, 5), 10);

        Assert.Equal([0L, 1, 2, 3, 4], frames.Select(f => f.Sequence));
        Assert.Equal(new[] { 0, 40, 80, 120, 160 }.Select(ms => TimeSpan.FromMilliseconds(ms)), frames.Select(f => f.Timestamp));
    }

    [Fact]
    public async Task Pattern_must_be_endless_without_a_frame_count()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var frames = await NodeFlow.CreateSource(() => new TestPatternSource(4, 4, PixelFormat.Gray8, 1000))
                .Take(500)
                .RunWith(Sink.Seq<VideoFrame>(), Materializer);
            Assert.Equal(500, frames.Count);
            Assert.Equal(TimeSpan.FromMilliseconds(499), frames[^1].Timestamp);
        }, Materializer);
    }

    [Theory]
    [InlineData(PixelFormat.I420)]
    [InlineData(PixelFormat.Rgb24)]
    [InlineData(PixelFormat.Rgba32)]
    [InlineData(PixelFormat.Gray8)]
    public void Pattern_must_fill_a_tight_frame_of_the_requested_format(PixelFormat format)
    {
        var frame = Take(new TestPatternSource(33, 21, format), 1)[0];

        Assert.Equal((33, 21, format), (frame.Width, frame.Height, frame.Format));
        Assert.Equal(VideoFrame.MinimumStride(format, 33), frame.Stride);
        Assert.Equal(VideoFrame.RequiredLength(format, 21, frame.Stride), frame.Data.Length);
    }

    [Fact]
    public void Pattern_must_show_eight_colour_bars_over_a_grey_ramp()
    {
        var frame = Take(new TestPatternSource(160, 120, PixelFormat.Rgb24), 1)[0];

        (int R, int G, int B)[] bars =
        [
            (255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
            (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0),
        ];

        // Bars are 20 pixels wide; sample the middle of each, near the top (the box sits mid-height).
        for (var bar = 0; bar < 8; bar++)
        {
            var x = (bar * 20) + 10;
            Assert.Equal(bars[bar], (At(frame, x, 2, 0), At(frame, x, 2, 1), At(frame, x, 2, 2)));
        }

        // The bottom quarter ramps from black to white, grey all the way.
        Assert.Equal(0, At(frame, 0, 119));
        Assert.Equal(255, At(frame, 159, 119, 1));
        for (var x = 1; x < 160; x++)
        {
            Assert.True(At(frame, x, 100) >= At(frame, x - 1, 100));
            Assert.Equal(At(frame, x, 100, 0), At(frame, x, 100, 2));
        }
    }

    [Fact]
    public void Pattern_must_move_an_orange_box_four_pixels_per_frame()
    {
        var frames = Take(new TestPatternSource(160, 120, PixelFormat.Rgb24), 3);

        for (var n = 0; n < 3; n++)
        {
            var left = LeftmostOrange(frames[n], row: 45);
            Assert.Equal(4 * n, left);
        }

        Assert.NotEqual(frames[0].Data.ToArray(), frames[1].Data.ToArray());
    }

    [Fact]
    public void Pattern_in_Gray8_must_be_the_luma_of_the_pattern_in_RGB24()
    {
        var rgb = Take(new TestPatternSource(40, 30, PixelFormat.Rgb24), 1)[0];
        var gray = Take(new TestPatternSource(40, 30, PixelFormat.Gray8), 1)[0];

        for (var y = 0; y < 30; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                var luma = (0.299 * At(rgb, x, y, 0)) + (0.587 * At(rgb, x, y, 1)) + (0.114 * At(rgb, x, y, 2));
                Assert.InRange(At(gray, x, y), luma - 1, luma + 1);
            }
        }
    }

    [Theory]
    [InlineData(0, 10, 30.0, null, "width")]
    [InlineData(10, -2, 30.0, null, "height")]
    [InlineData(10, 10, 0.0, null, "framesPerSecond")]
    [InlineData(10, 10, double.NaN, null, "framesPerSecond")]
    [InlineData(10, 10, 30.0, -1, "frameCount")]
    public void Pattern_must_refuse_invalid_settings(int width, int height, double fps, int? count, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TestPatternSource(width, height, PixelFormat.I420, fps, count));
        Assert.Equal(parameter, error.ParamName);
    }

    private static int LeftmostOrange(VideoFrame frame, int row)
    {
        for (var x = 0; x < frame.Width; x++)
        {
            if (At(frame, x, row, 0) == 255 && At(frame, x, row, 1) == 128 && At(frame, x, row, 2) == 0)
            {
                return x;
            }
        }

        return -1;
    }
}
