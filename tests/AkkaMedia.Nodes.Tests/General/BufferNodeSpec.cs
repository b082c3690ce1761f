using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Nodes.General;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.General;

public sealed class BufferNodeSpec : NodeContractSpec<int, IReadOnlyList<int>>
{
    public BufferNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<int, IReadOnlyList<int>> CreateNode() => new BufferNode<int>(2);

    protected override IReadOnlyList<int> ValidInputs() => [1, 2, 3];

    [Fact]
    public async Task Buffer_must_emit_a_batch_every_count_elements_and_the_remainder_at_the_end()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var batches = await Source.From(Enumerable.Range(1, 7))
                .Via(new BufferNode<int>(3).AsFlow())
                .RunWith(Sink.Seq<IReadOnlyList<int>>(), Materializer);

            Assert.Equal(3, batches.Count);
            Assert.Equal([1, 2, 3], batches[0]);
            Assert.Equal([4, 5, 6], batches[1]);
            Assert.Equal([7], batches[2]);
        }, Materializer);
    }

    [Fact]
    public async Task Buffer_must_emit_nothing_for_an_empty_stream()
    {
        var batches = await Source.Empty<int>().Via(new BufferNode<int>(3).AsFlow()).RunWith(Sink.Seq<IReadOnlyList<int>>(), Materializer);
        Assert.Empty(batches);
    }

    [Fact]
    public void Buffer_must_emit_a_batch_when_its_oldest_element_reaches_the_maximum_age()
    {
        var clock = new ManualTimeProvider();
        var node = new BufferNode<string>(10, TimeSpan.FromMilliseconds(100), clock);
        var output = new ListOutput<IReadOnlyList<string>>();

        node.Process("a", output);
        clock.Advance(TimeSpan.FromMilliseconds(60));
        node.Process("b", output);
        Assert.Empty(output.Items);

        // "a" has now waited 100 ms: its batch leaves with the arriving element.
        clock.Advance(TimeSpan.FromMilliseconds(40));
        node.Process("c", output);
        Assert.Equal(["a", "b", "c"], Assert.Single(output.Items));

        // The next batch's age starts with its own first element.
        clock.Advance(TimeSpan.FromMilliseconds(500));
        node.Process("d", output);
        clock.Advance(TimeSpan.FromMilliseconds(99));
        node.Process("e", output);
        Assert.Single(output.Items);

        node.Complete(output);
        Assert.Equal(2, output.Items.Count);
        Assert.Equal(["d", "e"], output.Items[1]);
    }

    [Fact]
    public void Buffer_must_still_cut_batches_by_count_when_an_age_is_set()
    {
        var clock = new ManualTimeProvider();
        var node = new BufferNode<int>(2, TimeSpan.FromSeconds(1), clock);
        var output = new ListOutput<IReadOnlyList<int>>();

        foreach (var n in new[] { 1, 2, 3 })
        {
            node.Process(n, output);
        }

        node.Complete(output);
        Assert.Equal(2, output.Items.Count);
        Assert.Equal([1, 2], output.Items[0]);
        Assert.Equal([3], output.Items[1]);
    }

    [Fact]
    public void Buffer_must_hand_out_a_new_list_per_batch()
    {
        var node = new BufferNode<int>(2);
        var output = new ListOutput<IReadOnlyList<int>>();
        foreach (var n in new[] { 1, 2, 3, 4 })
        {
            node.Process(n, output);
        }

        Assert.NotSame(output.Items[0], output.Items[1]);
        Assert.Equal([1, 2], output.Items[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Buffer_must_refuse_a_count_that_is_not_positive(int count)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BufferNode<int>(count));
        Assert.Equal("count", error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Buffer_must_refuse_a_maximum_age_that_is_not_positive(int milliseconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BufferNode<int>(4, TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Equal("maxAge", error.ParamName);
    }
}
