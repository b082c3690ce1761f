using System.Diagnostics.Metrics;
using AkkaMedia.Diagnostics;
using AkkaMedia.Frames;

namespace AkkaMedia.Core.Tests.Diagnostics;

public sealed class StreamCounterSetSpec
{
    [Fact]
    public void StreamCounterSet_must_add_running_and_ended_streams_of_a_group()
    {
        var set = new StreamCounterSet("node_type");
        var ended = set.Attach("Gain");
        var running = set.Attach("Gain");
        var frame = new AudioFrame(new float[10], 8000, 1);
        ended.CountIn(frame);
        ended.CountOut(frame);
        set.Detach(ended);
        running.CountIn(frame);
        running.CountIn(frame);

        Assert.Equal(3, Single(set.Observe(StreamCounter.FramesIn), "Gain"));
        Assert.Equal(1, Single(set.Observe(StreamCounter.FramesOut), "Gain"));
        Assert.Equal(3 * 10 * sizeof(float), Single(set.Observe(StreamCounter.BytesIn), "Gain"));
        Assert.Equal(10 * sizeof(float), Single(set.Observe(StreamCounter.BytesOut), "Gain"));
    }

    [Fact]
    public void StreamCounterSet_must_count_a_detached_stream_once_and_keep_groups_apart()
    {
        var set = new StreamCounterSet("node_type");
        var gain = set.Attach("Gain");
        var echo = set.Attach("Echo");
        gain.CountIn("not a frame");
        echo.CountIn("not a frame");
        echo.CountIn("not a frame");
        set.Detach(gain);
        set.Detach(gain);

        Assert.Equal(1, Single(set.Observe(StreamCounter.FramesIn), "Gain"));
        Assert.Equal(2, Single(set.Observe(StreamCounter.FramesIn), "Echo"));
        Assert.Equal(0, Single(set.Observe(StreamCounter.BytesIn), "Echo"));
    }

    [Fact]
    public void StreamCounterSet_must_refuse_a_wrong_number_of_tag_values()
    {
        var set = new StreamCounterSet("kind", "node_type");

        Assert.Throws<ArgumentException>(() => set.Attach("node"));
    }

    private static long Single(IEnumerable<Measurement<long>> measurements, string nodeType) =>
        measurements.Single(m => m.Tags.ToArray().Any(t => t.Key == "node_type" && (string?)t.Value == nodeType)).Value;
}
