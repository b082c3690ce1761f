using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Tests.Contract;
using AkkaMedia.Nodes.Tests.General;
using AkkaMedia.Nodes.Video;
using Xunit.Abstractions;
using static AkkaMedia.Nodes.Tests.Video.VideoTestFrames;

namespace AkkaMedia.Nodes.Tests.Video;

public sealed class PixelFormatConvertNodeSpec : NodeContractSpec<VideoFrame, VideoFrame>
{
    public PixelFormatConvertNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<VideoFrame, VideoFrame> CreateNode() => new PixelFormatConvertNode(PixelFormat.Rgb24);

    protected override IReadOnlyList<VideoFrame> ValidInputs() => Take(new TestPatternSource(16, 12), 3);

    [Fact]
    public void I420_to_RGB24_and_back_must_stay_within_2_of_every_sample_of_the_test_pattern()
    {
        // 66x50: the box crosses several bars over 12 frames; 49 rows gives an odd bottom edge too.
        foreach (var (width, height) in new[] { (66, 50), (33, 49) })
        {
            foreach (var original in Take(new TestPatternSource(width, height, PixelFormat.I420, frameCount: 12), 12))
            {
                var rgb = Convert(original, PixelFormat.Rgb24);
                var back = Convert(rgb, PixelFormat.I420);

                var expected = Samples(original);
                var actual = Samples(back);
                Assert.Equal(expected.Count, actual.Count);
                for (var i = 0; i < expected.Count; i++)
                {
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 2, $"frame {original.Sequence} sample {i}: {expected[i]} became {actual[i]}");
                }
            }
        }
    }

    [Fact]
    public void Gray8_from_RGB24_must_use_the_BT601_luma_weights()
    {
        var random = new Random(601);
        var pixels = new byte[23 * 17 * 3];
        random.NextBytes(pixels);
        var rgb = Packed(PixelFormat.Rgb24, 23, 17, (x, y, c) => pixels[(((y * 23) + x) * 3) + c], padding: 4);

        var gray = Convert(rgb, PixelFormat.Gray8);

        Assert.Equal(23, gray.Stride);
        for (var y = 0; y < 17; y++)
        {
            for (var x = 0; x < 23; x++)
            {
                var luma = (0.299 * At(rgb, x, y, 0)) + (0.587 * At(rgb, x, y, 1)) + (0.114 * At(rgb, x, y, 2));
                Assert.True(Math.Abs(luma - At(gray, x, y)) <= 1.0, $"({x},{y}): luma {luma:0.00}, got {At(gray, x, y)}");
            }
        }
    }

    [Theory]
    [InlineData(255, 255, 255)]
    [InlineData(0, 0, 0)]
    [InlineData(255, 0, 0)]
    [InlineData(0, 255, 0)]
    [InlineData(0, 0, 255)]
    [InlineData(200, 150, 30)]
    public void RGB24_to_I420_must_use_BT601_limited_range(int r, int g, int b)
    {
        // Studio swing: Y = 16 + 219 E'y, Cb = 128 + 224 E'pb, Cr = 128 + 224 E'pr (ITU-R BT.601).
        var ey = ((0.299 * r) + (0.587 * g) + (0.114 * b)) / 255.0;
        var epb = ((-0.168736 * r) - (0.331264 * g) + (0.5 * b)) / 255.0;
        var epr = ((0.5 * r) - (0.418688 * g) - (0.081312 * b)) / 255.0;
        var input = Packed(PixelFormat.Rgb24, 2, 2, (_, _, c) => (byte)(c == 0 ? r : c == 1 ? g : b));

        var yuv = Convert(input, PixelFormat.I420);

        Assert.InRange(Y(yuv, 1, 1), (16 + (219 * ey)) - 1, 16 + (219 * ey) + 1);
        Assert.InRange(U(yuv, 0, 0), (128 + (224 * epb)) - 1, 128 + (224 * epb) + 1);
        Assert.InRange(V(yuv, 0, 0), (128 + (224 * epr)) - 1, 128 + (224 * epr) + 1);
    }

    [Fact]
    public void I420_to_RGB24_must_expand_limited_range_to_full_range()
    {
        // Y 16 is black and 235 white; U = V = 128 is grey; below 16 and above 235 clip.
        byte[] lumas = [16, 235, 126, 0, 255];
        var input = I420(10, 2, (x, _) => lumas[x / 2], (_, _) => 128, (_, _) => 128);

        var rgb = Convert(input, PixelFormat.Rgb24);

        byte[] expected = [0, 255, 128, 0, 255];
        for (var i = 0; i < lumas.Length; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.InRange(At(rgb, i * 2, 1, c), expected[i] - 1, expected[i] + 1);
            }
        }

        // Gray8 takes the same stretch of Y.
        var gray = Convert(input, PixelFormat.Gray8);
        for (var i = 0; i < lumas.Length; i++)
        {
            Assert.InRange(At(gray, (i * 2) + 1, 0), expected[i] - 1, expected[i] + 1);
        }
    }

    [Fact]
    public void Gray8_must_survive_a_trip_through_I420_within_1()
    {
        var gray = Packed(PixelFormat.Gray8, 16, 16, (x, y, _) => (byte)((y * 16) + x));

        var yuv = Convert(gray, PixelFormat.I420);
        var back = Convert(yuv, PixelFormat.Gray8);

        for (var i = 0; i < 256; i++)
        {
            Assert.InRange(At(back, i % 16, i / 16), i - 1, i + 1);
        }

        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(128, U(yuv, i % 8, i / 8)));
    }

    [Fact]
    public void RGBA32_must_gain_an_opaque_alpha_and_lose_it_again()
    {
        var rgb = Packed(PixelFormat.Rgb24, 5, 3, (x, y, c) => (byte)((x * 50) + (y * 7) + c));

        var rgba = Convert(rgb, PixelFormat.Rgba32);
        var back = Convert(rgba, PixelFormat.Rgb24);

        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 5; x++)
            {
                Assert.Equal(255, At(rgba, x, y, 3));
                for (var c = 0; c < 3; c++)
                {
                    Assert.Equal(At(rgb, x, y, c), At(rgba, x, y, c));
                }
            }
        }

        Assert.Equal(Samples(rgb), Samples(back));
    }

    [Fact]
    public void Every_pair_of_formats_must_convert_without_touching_the_input()
    {
        var formats = Enum.GetValues<PixelFormat>();
        foreach (var from in formats)
        {
            var input = Convert(Take(new TestPatternSource(9, 7, PixelFormat.Rgb24), 1)[0], from);
            var before = input.Data.ToArray();
            foreach (var to in formats)
            {
                var converted = Convert(input, to);
                Assert.Equal((9, 7, to), (converted.Width, converted.Height, converted.Format));
                Assert.Equal(VideoFrame.RequiredLength(to, 7, VideoFrame.MinimumStride(to, 9)), converted.Data.Length);
                if (from == to)
                {
                    Assert.Same(input, converted);
                }
            }

            Assert.Equal(before, input.Data.ToArray());
        }
    }

    [Fact]
    public async Task Conversion_must_keep_sequence_and_timestamp_in_a_stream()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var frames = await NodeFlow.CreateSource(() => new TestPatternSource(8, 6, PixelFormat.I420, 25, 4))
                .Via(new PixelFormatConvertNode(PixelFormat.Gray8).AsFlow())
                .RunWith(Sink.Seq<VideoFrame>(), Materializer);
            Assert.All(frames, f => Assert.Equal(PixelFormat.Gray8, f.Format));
            Assert.Equal([0L, 1, 2, 3], frames.Select(f => f.Sequence));
            Assert.Equal(TimeSpan.FromMilliseconds(120), frames[3].Timestamp);
        }, Materializer);
    }

    [Fact]
    public void Converter_must_refuse_an_undefined_target_format()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PixelFormatConvertNode((PixelFormat)99));
        Assert.Equal("target", error.ParamName);
    }

    private static VideoFrame Convert(VideoFrame input, PixelFormat target)
    {
        var output = new ListOutput<VideoFrame>();
        new PixelFormatConvertNode(target).Process(input, output);
        return Assert.Single(output.Items);
    }
}
