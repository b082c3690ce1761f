using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Tests.Contract;
using AkkaMedia.Nodes.Tests.General;
using AkkaMedia.Nodes.Video;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Video;

public sealed class FrameRateNodeSpec : NodeContractSpec<VideoFrame, VideoFrame>
{
    public FrameRateNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<VideoFrame, VideoFrame> CreateNode() => new FrameRateNode(15);

    protected override IReadOnlyList<VideoFrame> ValidInputs() => FramesAt(30, 4);

    [Fact]
    public async Task Decimation_from_30_to_15_fps_must_keep_every_other_frame_with_its_timestamp()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var kept = await NodeFlow.CreateSource(() => new TestPatternSource(8, 6, PixelFormat.Gray8, 30, 30))
                .Via(new FrameRateNode(15).AsFlow())
                .RunWith(Sink.Seq<VideoFrame>(), Materializer);

            Assert.Equal(15, kept.Count);
            for (var k = 0; k < 15; k++)
            {
                Assert.Equal(2 * k, kept[k].Sequence);

                // Frame 2k of a 30 fps stream is at 2k / 30 s = k / 15 s.
                var expected = TimeSpan.FromTicks((long)Math.Round(k * TimeSpan.TicksPerSecond / 15.0));
                Assert.InRange(kept[k].Timestamp, expected - TimeSpan.FromTicks(1), expected + TimeSpan.FromTicks(1));
            }
        }, Materializer);
    }

    [Fact]
    public void Decimation_from_30_to_10_fps_must_keep_every_third_frame()
    {
        var kept = Decimate(10, FramesAt(30, 30));
        Assert.Equal(Enumerable.Range(0, 10).Select(k => 3L * k), kept.Select(f => f.Sequence));
    }

    [Fact]
    public void Decimation_from_30_to_20_fps_must_keep_two_frames_of_every_three()
    {
        var kept = Decimate(20, FramesAt(30, 30));
        Assert.Equal(20, kept.Count);
        Assert.Equal([0L, 2, 3, 5, 6, 8], kept.Take(6).Select(f => f.Sequence));
    }

    [Fact]
    public void Decimation_must_not_drop_a_due_frame_whose_timestamp_was_rounded_down()
    {
        // 30 fps timestamps truncated to whole ticks (333,333 per frame) instead of rounded.
        var frames = Enumerable.Range(0, 30)
            .Select(n => Frame(n, TimeSpan.FromTicks(n * TimeSpan.TicksPerSecond / 30)))
            .ToList();

        var kept = Decimate(15, frames);

        Assert.Equal(Enumerable.Range(0, 15).Select(k => 2L * k), kept.Select(f => f.Sequence));
    }

    [Fact]
    public void Decimation_must_never_raise_the_rate()
    {
        var frames = FramesAt(30, 12);

        var kept = Decimate(60, frames);

        Assert.Equal(frames, kept);
        Assert.All(frames.Zip(kept), pair => Assert.Same(pair.First, pair.Second));
    }

    [Fact]
    public void Decimation_must_restart_at_a_timestamp_that_goes_backwards()
    {
        // Two 30 fps clips back to back, both starting at zero: each is halved on its own.
        var frames = FramesAt(30, 6).Concat(FramesAt(30, 6, firstSequence: 6)).ToList();

        var kept = Decimate(15, frames);

        Assert.Equal([0L, 2, 4, 6, 8, 10], kept.Select(f => f.Sequence));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-15.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Decimation_must_refuse_a_rate_that_is_not_positive_and_finite(double rate)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FrameRateNode(rate));
        Assert.Equal("targetFramesPerSecond", error.ParamName);
    }

    private static List<VideoFrame> Decimate(double rate, IEnumerable<VideoFrame> frames)
    {
        var node = new FrameRateNode(rate);
        var output = new ListOutput<VideoFrame>();
        foreach (var frame in frames)
        {
            node.Process(frame, output);
        }

        node.Complete(output);
        return output.Items;
    }

    private static List<VideoFrame> FramesAt(double fps, int count, int firstSequence = 0) =>
        Enumerable.Range(0, count)
            .Select(n => Frame(firstSequence + n, TimeSpan.FromTicks((long)Math.Round(n * TimeSpan.TicksPerSecond / fps))))
            .ToList();

    private static VideoFrame Frame(long sequence, TimeSpan timestamp) =>
        new(new byte[4], 2, 2, PixelFormat.Gray8, 0, sequence, timestamp);
}
