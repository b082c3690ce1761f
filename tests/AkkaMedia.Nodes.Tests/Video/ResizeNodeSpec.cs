using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Tests.Contract;
using AkkaMedia.Nodes.Tests.General;
using AkkaMedia.Nodes.Video;
using Xunit.Abstractions;
using static AkkaMedia.Nodes.Tests.Video.VideoTestFrames;

namespace AkkaMedia.Nodes.Tests.Video;

public sealed class ResizeNodeSpec : NodeContractSpec<VideoFrame, VideoFrame>
{
    public ResizeNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<VideoFrame, VideoFrame> CreateNode() => new ResizeNode(4, 3);

    protected override IReadOnlyList<VideoFrame> ValidInputs() =>
    [
        I420(8, 6, (x, y) => (byte)(16 + x + y), (_, _) => 100, (_, _) => 150, sequence: 0),
        I420(8, 6, (x, y) => (byte)(30 + x), (_, _) => 90, (_, _) => 160, sequence: 1),
    ];

    [Theory]
    [InlineData(PixelFormat.Gray8, 7, 5, 16, 9)]
    [InlineData(PixelFormat.Rgb24, 7, 5, 16, 9)]
    [InlineData(PixelFormat.Rgba32, 13, 11, 3, 2)]
    [InlineData(PixelFormat.Rgb24, 13, 11, 3, 2)]
    public void Resize_must_keep_a_constant_colour_constant(PixelFormat format, int width, int height, int toWidth, int toHeight)
    {
        byte[] colour = [10, 200, 77, 128];
        var input = Packed(format, width, height, (_, _, c) => colour[c], padding: 5);

        var resized = Resize(input, toWidth, toHeight);

        Assert.Equal((toWidth, toHeight, format), (resized.Width, resized.Height, resized.Format));
        for (var y = 0; y < toHeight; y++)
        {
            for (var x = 0; x < toWidth; x++)
            {
                for (var c = 0; c < Channels(format); c++)
                {
                    Assert.Equal(colour[c], At(resized, x, y, c));
                }
            }
        }
    }

    [Theory]
    [InlineData(5, 3, 9, 7)]
    [InlineData(16, 12, 5, 5)]
    public void Resize_must_keep_a_constant_I420_picture_constant_in_every_plane(int width, int height, int toWidth, int toHeight)
    {
        var input = I420(width, height, (_, _) => 81, (_, _) => 90, (_, _) => 240, padding: 3);

        var resized = Resize(input, toWidth, toHeight);

        Assert.Equal(VideoFrame.RequiredLength(PixelFormat.I420, toHeight, toWidth), resized.Data.Length);
        for (var y = 0; y < toHeight; y++)
        {
            for (var x = 0; x < toWidth; x++)
            {
                Assert.Equal(81, Y(resized, x, y));
            }
        }

        // Chroma planes are half size, rounded up.
        for (var y = 0; y < (toHeight + 1) / 2; y++)
        {
            for (var x = 0; x < (toWidth + 1) / 2; x++)
            {
                Assert.Equal(90, U(resized, x, y));
                Assert.Equal(240, V(resized, x, y));
            }
        }
    }

    [Fact]
    public void Resize_must_interpolate_2x2_to_4x4_bilinearly_with_aligned_pixel_centres()
    {
        // Source [[0, 64], [128, 192]]. With centres aligned, output column d samples source
        // position (d + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to 0..1: weights of the
        // right sample 0, 1/4, 3/4, 1. Rows likewise. Row 0: 0, 16, 48, 64; row 3: 128, 144,
        // 176, 192; row 1 = 3/4 row 0 + 1/4 row 3; row 2 = 1/4 row 0 + 3/4 row 3.
        byte[,] source = { { 0, 64 }, { 128, 192 } };
        byte[,] expected =
        {
            { 0, 16, 48, 64 },
            { 32, 48, 80, 96 },
            { 96, 112, 144, 160 },
            { 128, 144, 176, 192 },
        };
        var input = Packed(PixelFormat.Gray8, 2, 2, (x, y, _) => source[y, x]);

        var resized = Resize(input, 4, 4);

        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                Assert.True(expected[y, x] == At(resized, x, y), $"({x},{y}): expected {expected[y, x]}, got {At(resized, x, y)}");
            }
        }
    }

    [Fact]
    public void Resize_must_keep_a_gradient_monotone_when_shrinking()
    {
        // A horizontal ramp in every channel, a vertical ramp in the last one.
        var input = Packed(PixelFormat.Rgb24, 64, 40, (x, y, c) => (byte)(c < 2 ? x * 4 : y * 6));

        var resized = Resize(input, 10, 7);

        for (var y = 0; y < resized.Height; y++)
        {
            for (var x = 1; x < resized.Width; x++)
            {
                Assert.True(At(resized, x, y, 0) >= At(resized, x - 1, y, 0), $"red falls at ({x},{y})");
                Assert.True(At(resized, x, y, 1) >= At(resized, x - 1, y, 1), $"green falls at ({x},{y})");
            }
        }

        for (var x = 0; x < resized.Width; x++)
        {
            for (var y = 1; y < resized.Height; y++)
            {
                Assert.True(At(resized, x, y, 2) >= At(resized, x, y - 1, 2), $"blue falls at ({x},{y})");
            }
        }

        Assert.True(At(resized, 9, 0, 0) - At(resized, 0, 0, 0) > 200, "the ramp keeps most of its range");
    }

    [Fact]
    public void Resize_must_scale_I420_chroma_with_its_own_half_size_grid()
    {
        // U ramps left to right over the 4 chroma columns of an 8-wide picture; scaling to 16 wide
        // gives 8 chroma columns that must still ramp and keep the end values.
        var input = I420(8, 4, (_, _) => 100, (cx, _) => (byte)(40 + (cx * 40)), (_, _) => 128);

        var resized = Resize(input, 16, 8);

        for (var cy = 0; cy < 4; cy++)
        {
            Assert.Equal(40, U(resized, 0, cy));
            Assert.Equal(160, U(resized, 7, cy));
            for (var cx = 1; cx < 8; cx++)
            {
                Assert.True(U(resized, cx, cy) >= U(resized, cx - 1, cy));
                Assert.Equal(128, V(resized, cx, cy));
            }
        }
    }

    [Fact]
    public void Resize_must_not_write_into_the_input_and_must_keep_sequence_and_timestamp()
    {
        var input = Packed(PixelFormat.Rgb24, 6, 6, (x, y, c) => (byte)((x * 40) + (y * 3) + c), padding: 2, sequence: 42, timestamp: TimeSpan.FromMilliseconds(1400));
        var before = input.Data.ToArray();

        var resized = Resize(input, 3, 9);

        Assert.Equal(before, input.Data.ToArray());
        Assert.Equal(42, resized.Sequence);
        Assert.Equal(TimeSpan.FromMilliseconds(1400), resized.Timestamp);
        Assert.Equal(9, resized.Stride);
    }

    [Fact]
    public void Resize_must_pass_a_frame_of_the_target_size_on_as_it_is()
    {
        var input = Packed(PixelFormat.Gray8, 4, 3, (x, _, _) => (byte)x);
        Assert.Same(input, Resize(input, 4, 3));
    }

    [Fact]
    public async Task Resize_must_resize_every_frame_of_a_stream()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var frames = await NodeFlow.CreateSource(() => new TestPatternSource(64, 48, PixelFormat.I420, frameCount: 5))
                .Via(new ResizeNode(32, 18).AsFlow())
                .RunWith(Sink.Seq<VideoFrame>(), Materializer);
            Assert.Equal(5, frames.Count);
            Assert.All(frames, f => Assert.Equal((32, 18, PixelFormat.I420), (f.Width, f.Height, f.Format)));
            Assert.Equal([0L, 1, 2, 3, 4], frames.Select(f => f.Sequence));
        }, Materializer);
    }

    [Theory]
    [InlineData(0, 10, "width")]
    [InlineData(-4, 10, "width")]
    [InlineData(10, 0, "height")]
    [InlineData(10, -1, "height")]
    public void Resize_must_refuse_a_size_that_is_not_positive(int width, int height, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ResizeNode(width, height));
        Assert.Equal(parameter, error.ParamName);
    }

    private static VideoFrame Resize(VideoFrame input, int width, int height)
    {
        var output = new ListOutput<VideoFrame>();
        new ResizeNode(width, height).Process(input, output);
        return Assert.Single(output.Items);
    }
}
