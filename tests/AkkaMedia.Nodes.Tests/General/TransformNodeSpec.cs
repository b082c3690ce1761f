using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Nodes.General;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.General;

public sealed class TransformNodeSpec : NodeContractSpec<string, int>
{
    public TransformNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<string, int> CreateNode() => new TransformNode<string, int>(s => s.Length);

    protected override IReadOnlyList<string> ValidInputs() => ["a", "bb", "ccc"];

    [Fact]
    public async Task Transform_must_apply_the_function_to_every_element_in_order()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var lengths = await Source.From(["akka", "media", "", "pipelines"])
                .Via(new TransformNode<string, int>(s => s.Length).AsFlow())
                .RunWith(Sink.Seq<int>(), Materializer);
            Assert.Equal([4, 5, 0, 9], lengths);
        }, Materializer);
    }

    [Fact]
    public async Task An_exception_in_the_function_must_fail_the_stream_naming_the_node()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var run = Source.From(["1", "2", "three"])
                .Via(new TransformNode<string, int>(int.Parse, "parse-numbers").AsFlow())
                .RunWith(Sink.Seq<int>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            Assert.Equal("parse-numbers", error.NodeName);
            Assert.Contains("parse-numbers", error.Message);
            Assert.IsType<FormatException>(error.InnerException);
        }, Materializer);
    }

    [Fact]
    public async Task A_null_result_must_fail_the_stream()
    {
        var run = Source.From(["x"])
            .Via(new TransformNode<string, string>(_ => null!).AsFlow())
            .RunWith(Sink.Seq<string>(), Materializer);

        var error = await Assert.ThrowsAsync<NodeException>(() => run);
        Assert.Contains("null", error.Message);
        Assert.Equal("TransformNode", error.NodeName);
    }

    [Fact]
    public void Transform_must_refuse_a_null_function() =>
        Assert.Throws<ArgumentNullException>(() => new TransformNode<int, int>(null!));
}
