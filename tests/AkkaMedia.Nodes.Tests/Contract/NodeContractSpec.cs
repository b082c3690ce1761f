using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Contract;

/// <summary>
/// The contract every built-in node passes: initialize/cleanup pairing, empty streams,
/// downstream cancellation and upstream failure. A node spec derives from this class and supplies
/// a node factory and a few valid inputs.
/// </summary>
public abstract class NodeContractSpec<TIn, TOut> : TestKit
{
    protected NodeContractSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
        Materializer = Sys.Materializer();
    }

    protected IMaterializer Materializer { get; }

    /// <summary>A new node with valid settings.</summary>
    protected abstract Node<TIn, TOut> CreateNode();

    /// <summary>A few inputs the node accepts (at least two).</summary>
    protected abstract IReadOnlyList<TIn> ValidInputs();

    [Fact]
    public async Task Node_must_initialize_and_clean_up_once_when_the_stream_completes()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new TrackingNode<TIn, TOut>(CreateNode());
            await Source.From(ValidInputs()).Via(node.AsFlow()).RunWith(Sink.Ignore<TOut>(), Materializer);
            Assert.Equal(1, node.Initialized);
            Assert.Equal(1, node.Completed);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Disposed));
        }, Materializer);
    }

    [Fact]
    public async Task Node_must_complete_an_empty_stream_and_clean_up()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new TrackingNode<TIn, TOut>(CreateNode());
            var outputs = await Source.Empty<TIn>().Via(node.AsFlow()).RunWith(Sink.Seq<TOut>(), Materializer);
            Assert.NotNull(outputs);
            Assert.Equal(1, node.Initialized);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Disposed));
        }, Materializer);
    }

    [Fact]
    public async Task Node_must_clean_up_once_when_downstream_cancels()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new TrackingNode<TIn, TOut>(CreateNode());
            var upstream = this.CreatePublisherProbe<TIn>();
            var downstream = this.CreateSubscriberProbe<TOut>();
            Source.FromPublisher(upstream).Via(node.AsFlow()).RunWith(Sink.FromSubscriber(downstream), Materializer);
            var subscription = await downstream.ExpectSubscriptionAsync();
            subscription.Request(1);
            await upstream.ExpectRequestAsync();
            subscription.Cancel();
            await upstream.ExpectCancellationAsync();
            await AwaitAssertAsync(() => Assert.Equal(1, node.Disposed));
            Assert.Equal(1, node.Initialized);
        }, Materializer);
    }

    [Fact]
    public async Task Node_must_propagate_upstream_failure_and_clean_up_once()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new TrackingNode<TIn, TOut>(CreateNode());
            var boom = new InvalidOperationException("upstream broke");
            var run = Source.From(ValidInputs()).Concat(Source.Failed<TIn>(boom)).Via(node.AsFlow()).RunWith(Sink.Ignore<TOut>(), Materializer);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
            Assert.Same(boom, error);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Disposed));
        }, Materializer);
    }

    [Fact]
    public async Task Node_must_respect_backpressure()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var upstream = this.CreatePublisherProbe<TIn>();
            var downstream = this.CreateSubscriberProbe<TOut>();
            Source.FromPublisher(upstream).Via(NodeFlow.Create(CreateNode)).To(Sink.FromSubscriber(downstream))
                .WithAttributes(Attributes.CreateInputBuffer(1, 1))
                .Run(Materializer);
            var subscription = await downstream.ExpectSubscriptionAsync();

            // Without demand from downstream, the node asks upstream for at most one element.
            var requested = await upstream.ExpectRequestAsync();
            Assert.Equal(1, requested);
            subscription.Cancel();
            await upstream.ExpectCancellationAsync();
        }, Materializer);
    }
}
