using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Contract;

/// <summary>
/// The contract every built-in source node passes: initialize/dispose pairing on completion and on
/// cancellation, production only on demand, the same elements from every materialization of a
/// factory, and one materialization per instance. A source spec
/// derives from this class and supplies a factory for a finite source.
/// </summary>
public abstract class SourceContractSpec<TOut> : TestKit
{
    protected SourceContractSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
        Materializer = Sys.Materializer();
    }

    protected IMaterializer Materializer { get; }

    /// <summary>A new source with valid settings that ends after a few elements (at least two).</summary>
    protected abstract SourceNode<TOut> CreateSource();

    [Fact]
    public async Task Source_must_initialize_and_dispose_once_when_it_completes()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new TrackingSource<TOut>(CreateSource());
            var elements = await source.AsSource().RunWith(Sink.Seq<TOut>(), Materializer);
            Assert.True(elements.Count >= 2, $"expected at least two elements, got {elements.Count}");
            Assert.Equal(1, source.Initialized);
            await AwaitAssertAsync(() => Assert.Equal(1, source.Disposed));
        }, Materializer);
    }

    [Fact]
    public async Task Source_must_dispose_once_when_downstream_cancels()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new TrackingSource<TOut>(CreateSource());
            var first = await source.AsSource().Take(1).RunWith(Sink.Seq<TOut>(), Materializer);
            Assert.Single(first);
            Assert.Equal(1, source.Initialized);
            await AwaitAssertAsync(() => Assert.Equal(1, source.Disposed));
        }, Materializer);
    }

    [Fact]
    public async Task Source_must_produce_only_on_demand()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new TrackingSource<TOut>(CreateSource());
            var downstream = this.CreateSubscriberProbe<TOut>();
            source.AsSource().RunWith(Sink.FromSubscriber(downstream), Materializer);
            var subscription = await downstream.ExpectSubscriptionAsync();
            await downstream.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
            Assert.Equal(0, source.Produced);

            subscription.Request(1);
            await downstream.ExpectNextAsync();
            Assert.Equal(1, source.Produced);

            subscription.Request(1);
            await downstream.ExpectNextAsync();
            Assert.Equal(2, source.Produced);

            subscription.Cancel();
            await AwaitAssertAsync(() => Assert.Equal(1, source.Disposed));
        }, Materializer);
    }

    [Fact]
    public async Task Source_must_start_afresh_in_every_materialization_of_a_factory()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var created = 0;
            var graph = NodeFlow.CreateSource(() =>
            {
                Interlocked.Increment(ref created);
                return CreateSource();
            });
            var first = await graph.RunWith(Sink.Seq<TOut>(), Materializer);
            var second = await graph.RunWith(Sink.Seq<TOut>(), Materializer);
            Assert.Equal(2, created);
            Assert.Equal(first.Count, second.Count);
            Assert.Equal(first, second);
        }, Materializer);
    }

    [Fact]
    public async Task Source_must_refuse_a_second_materialization_of_one_instance()
    {
        var stage = CreateSource().AsSource();
        await stage.Take(1).RunWith(Sink.Ignore<TOut>(), Materializer);
        await Assert.ThrowsAsync<NodeException>(() => stage.RunWith(Sink.Ignore<TOut>(), Materializer));
    }
}
