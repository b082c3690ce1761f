using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit.Xunit2;
using AkkaMedia.Core.Tests.Nodes.TestNodes;
using AkkaMedia.Nodes;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Nodes;

public sealed class SourceStageSpec : TestKit
{
    public SourceStageSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
        Materializer = Sys.Materializer();
    }

    private IMaterializer Materializer { get; }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 3)]
    [InlineData(9, 3)]
    [InlineData(0, 1)]
    public async Task A_finite_source_must_emit_its_sequence_complete_and_clean_up_once(int count, int perCall) =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count, perCall);

            var elements = await source.AsSource().RunWith(Sink.Seq<int>(), Materializer);

            Assert.Equal(Enumerable.Range(1, count), elements);
            Assert.Equal(1, source.Lifecycle.Initialized);
            await AwaitAssertAsync(() => Assert.Equal(1, source.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task A_source_must_produce_only_when_downstream_asks() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count: null);
            var downstream = this.CreateSubscriberProbe<int>();
            source.AsSource().RunWith(Sink.FromSubscriber(downstream), Materializer);

            Assert.Equal(1, await downstream.RequestNextAsync());
            Assert.Equal(2, await downstream.RequestNextAsync());
            Assert.Equal(2, source.ProduceCalls);
            await downstream.CancelAsync();
            await AwaitAssertAsync(() => Assert.Equal(1, source.Lifecycle.Disposed));
            Assert.Equal(2, source.ProduceCalls);
        }, Materializer);

    [Fact]
    public async Task A_source_must_clean_up_once_when_downstream_cancels() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count: null, perCall: 4);

            var elements = await source.AsSource().Take(6).RunWith(Sink.Seq<int>(), Materializer);

            Assert.Equal([1, 2, 3, 4, 5, 6], elements);
            await AwaitAssertAsync(() => Assert.Equal(1, source.Lifecycle.Disposed));
            Assert.Equal(1, source.Lifecycle.Initialized);
        }, Materializer);

    [Fact]
    public async Task An_exception_in_Produce_must_fail_the_stream_with_NodeException_naming_the_source() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count: 10, failAt: 4);

            var run = source.AsSource().RunWith(Sink.Seq<int>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            Assert.Same(source.Error, error.InnerException);
            Assert.Equal("Counter", error.NodeName);
            Assert.Equal("produce", error.Phase);
            Assert.Contains("'Counter'", error.Message, StringComparison.Ordinal);
            await AwaitAssertAsync(() => Assert.Equal(1, source.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task A_source_that_claims_more_without_emitting_must_fail_the_stream() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var run = NodeFlow.CreateSource(() => new SilentSource()).RunWith(Sink.Ignore<int>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            Assert.Contains("'SilentSource'", error.Message, StringComparison.Ordinal);
            Assert.Contains("without emitting", error.Message, StringComparison.Ordinal);
        }, Materializer);

    [Fact]
    public async Task A_single_instance_source_materialized_twice_must_fail_the_second_time() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count: 3);
            var graph = source.AsSource();
            Assert.Equal([1, 2, 3], await graph.RunWith(Sink.Seq<int>(), Materializer));

            var error = await Assert.ThrowsAsync<NodeException>(() => graph.RunWith(Sink.Seq<int>(), Materializer));

            Assert.Contains("'Counter'", error.Message, StringComparison.Ordinal);
            Assert.IsType<InvalidOperationException>(error.InnerException);
            await AwaitAssertAsync(() => Assert.Equal(1, source.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task CreateSource_must_make_a_new_source_for_every_materialization() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var made = new List<CountingSource>();
            var graph = NodeFlow.CreateSource(() =>
            {
                var source = new CountingSource(count: 4);
                lock (made)
                {
                    made.Add(source);
                }

                return source;
            });

            Assert.Equal([1, 2, 3, 4], await graph.RunWith(Sink.Seq<int>(), Materializer));
            Assert.Equal([1, 2, 3, 4], await graph.RunWith(Sink.Seq<int>(), Materializer));
            Assert.Equal(2, made.Count);
            await AwaitAssertAsync(() => Assert.All(made, s => Assert.Equal(1, s.Lifecycle.Disposed)));
        }, Materializer);

    /// <summary>Breaks the contract: says there is more but emits nothing.</summary>
    private sealed class SilentSource : SourceNode<int>
    {
        public override bool Produce(INodeOutput<int> output) => true;
    }
}
