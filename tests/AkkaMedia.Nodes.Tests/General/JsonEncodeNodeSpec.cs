using System.Text.Json;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.General;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.General;

public sealed class JsonEncodeNodeSpec : NodeContractSpec<Reading, TextFrame>
{
    public JsonEncodeNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<Reading, TextFrame> CreateNode() => new JsonEncodeNode<Reading>();

    protected override IReadOnlyList<Reading> ValidInputs() => [new("mic", 0.5, ["a"]), new("cam", 2, [])];

    [Fact]
    public async Task Encode_then_decode_must_give_back_an_equal_record()
    {
        var readings = new[] { new Reading("mic-1", 0.125, ["speech", "loud"]), new Reading("cam \"2\"", -3e-5, []) };

        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var back = await Source.From(readings)
                .Via(new JsonEncodeNode<Reading>().AsFlow())
                .Via(new JsonDecodeNode<Reading>().AsFlow())
                .RunWith(Sink.Seq<Reading>(), Materializer);

            Assert.Equal(readings.Length, back.Count);
            for (var i = 0; i < readings.Length; i++)
            {
                Assert.Equal(readings[i].Device, back[i].Device);
                Assert.Equal(readings[i].Level, back[i].Level);
                Assert.Equal(readings[i].Tags, back[i].Tags);
            }
        }, Materializer);
    }

    [Fact]
    public void Encode_must_write_JSON_with_the_given_options_and_number_the_frames()
    {
        var node = new JsonEncodeNode<Reading>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var output = new ListOutput<TextFrame>();

        node.Process(new Reading("mic", 1.5, ["x"]), output);
        node.Process(new Reading("cam", 2, []), output);

        Assert.Equal("""{"device":"mic","level":1.5,"tags":["x"]}""", output.Items[0].Text);
        Assert.Equal([0L, 1], output.Items.Select(f => f.Sequence));
    }

    [Fact]
    public void Encode_must_keep_the_sequence_and_timestamp_of_a_media_frame()
    {
        var output = new ListOutput<TextFrame>();
        new JsonEncodeNode<TextFrame>().Process(new TextFrame("hi", 41, TimeSpan.FromSeconds(2)), output);

        var frame = Assert.Single(output.Items);
        Assert.Equal((41L, TimeSpan.FromSeconds(2)), (frame.Sequence, frame.Timestamp));
        Assert.Contains("\"Text\":\"hi\"", frame.Text);
    }
}

/// <summary>A record that crosses the JSON nodes in the specs.</summary>
public sealed record Reading(string Device, double Level, IReadOnlyList<string> Tags);
