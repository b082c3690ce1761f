using System.Text.Json;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.General;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.General;

public sealed class JsonDecodeNodeSpec : NodeContractSpec<TextFrame, Reading>
{
    public JsonDecodeNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<TextFrame, Reading> CreateNode() => new JsonDecodeNode<Reading>();

    protected override IReadOnlyList<TextFrame> ValidInputs() =>
    [
        new("""{"Device":"mic","Level":0.5,"Tags":["a"]}""", 0),
        new("""{"Device":"cam","Level":2,"Tags":[]}""", 1),
    ];

    [Fact]
    public void Decode_must_read_a_document_with_the_given_options()
    {
        var output = new ListOutput<Reading>();
        new JsonDecodeNode<Reading>(new JsonSerializerOptions(JsonSerializerDefaults.Web))
            .Process(new TextFrame("""{ "device": "mic", "level": 0.25, "tags": ["quiet"] }"""), output);

        var reading = Assert.Single(output.Items);
        Assert.Equal(("mic", 0.25), (reading.Device, reading.Level));
        Assert.Equal(["quiet"], reading.Tags);
    }

    [Fact]
    public async Task Invalid_JSON_must_fail_the_stream_with_the_parser_position()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var frames = new[]
            {
                new TextFrame("""{"Device":"mic","Level":1,"Tags":[]}""", 0),
                new TextFrame("{\n  \"Device\": \"cam\",\n  \"Level\": oops\n}", 1),
            };
            var run = Source.From(frames).Via(new JsonDecodeNode<Reading>().AsFlow()).RunWith(Sink.Seq<Reading>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            Assert.Equal("JsonDecodeNode", error.NodeName);
            Assert.Contains("JsonDecodeNode", error.Message);
            Assert.Contains("#1", error.Message);

            // The bad token is on the third line (LineNumber counts from 0), 11 bytes in.
            Assert.Contains("LineNumber: 2", error.Message);
            Assert.Contains("BytePositionInLine: 11", error.Message);
        }, Materializer);
    }

    [Fact]
    public async Task The_JSON_null_must_fail_the_stream()
    {
        var run = Source.Single(new TextFrame("null", 7)).Via(new JsonDecodeNode<Reading>().AsFlow()).RunWith(Sink.Seq<Reading>(), Materializer);

        var error = await Assert.ThrowsAsync<NodeException>(() => run);
        Assert.Contains("#7", error.Message);
        Assert.Contains("null", error.Message);
    }
}
