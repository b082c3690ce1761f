using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Video;

/// <summary>
/// The lifecycle contract of a source node, run by the video and Y4M source specs: initialize and
/// dispose exactly once on completion and on cancellation, produce only on demand, and one new
/// source per materialization through a factory.
/// </summary>
public abstract class VideoSourceContractSpec<TOut> : TestKit
{
    protected VideoSourceContractSpec(ITestOutputHelper output)
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
            var source = new Tracking(CreateSource());
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
            var source = new Tracking(CreateSource());
            var downstream = this.CreateSubscriberProbe<TOut>();
            source.AsSource().RunWith(Sink.FromSubscriber(downstream), Materializer);
            var subscription = await downstream.ExpectSubscriptionAsync();
            subscription.Request(1);
            await downstream.ExpectNextAsync();
            subscription.Cancel();
            await AwaitAssertAsync(() => Assert.Equal(1, source.Disposed));
            Assert.Equal(1, source.Initialized);
        }, Materializer);
    }

    [Fact]
    public async Task Source_must_produce_only_as_much_as_downstream_requests()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new Tracking(CreateSource());
            var downstream = this.CreateSubscriberProbe<TOut>();
            source.AsSource().RunWith(Sink.FromSubscriber(downstream), Materializer);
            var subscription = await downstream.ExpectSubscriptionAsync();
            subscription.Request(1);
            await downstream.ExpectNextAsync();

            // The stage calls Produce only when pulled; one request, one call.
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

    /// <summary>Wraps a source and counts its lifecycle calls.</summary>
    private sealed class Tracking : SourceNode<TOut>
    {
        private readonly SourceNode<TOut> _inner;
        private int _initialized;
        private int _disposed;
        private int _produced;

        public Tracking(SourceNode<TOut> inner) => _inner = inner;

        public override string Name => _inner.Name;

        public int Initialized => Volatile.Read(ref _initialized);

        public int Disposed => Volatile.Read(ref _disposed);

        public int Produced => Volatile.Read(ref _produced);

        public override void Initialize(NodeContext context)
        {
            Interlocked.Increment(ref _initialized);
            _inner.Initialize(context);
        }

        public override bool Produce(INodeOutput<TOut> output)
        {
            Interlocked.Increment(ref _produced);
            return _inner.Produce(output);
        }

        protected override void Dispose(bool disposing)
        {
            Interlocked.Increment(ref _disposed);
            _inner.Dispose();
        }
    }
}
