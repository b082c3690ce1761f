using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.General;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.General;

public sealed class PassThroughNodeSpec : NodeContractSpec<TextFrame, TextFrame>
{
    public PassThroughNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<TextFrame, TextFrame> CreateNode() => new PassThroughNode<TextFrame>();

    protected override IReadOnlyList<TextFrame> ValidInputs() => [new("one", 0), new("two", 1), new("three", 2)];

    [Fact]
    public async Task PassThrough_must_emit_the_same_elements_in_order()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var inputs = ValidInputs();
            var outputs = await Source.From(inputs).Via(new PassThroughNode<TextFrame>().AsFlow()).RunWith(Sink.Seq<TextFrame>(), Materializer);
            Assert.Equal(inputs.Count, outputs.Count);
            Assert.All(inputs.Zip(outputs), pair => Assert.Same(pair.First, pair.Second));
        }, Materializer);
    }

    [Fact]
    public void PassThrough_must_be_named_without_its_type_arity() =>
        Assert.Equal("PassThroughNode", new PassThroughNode<int>().Name);
}
