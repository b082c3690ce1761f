using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit.Xunit2;
using AkkaMedia.Core.Tests.Nodes.TestNodes;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Nodes;

public sealed class NodeStageSpec : TestKit
{
    private static readonly int[] Inputs = [1, 2, 3, 4, 5, 6, 7, 8];

    public NodeStageSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
        Materializer = Sys.Materializer();
    }

    private IMaterializer Materializer { get; }

    [Fact]
    public async Task NodeStage_must_emit_zero_one_or_three_outputs_per_input_in_order_and_clean_up_once() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(CountingNode.ZeroOneOrThree);

            var outputs = await Source.From(Inputs).Via(node.AsFlow()).RunWith(Sink.Seq<int>(), Materializer);

            Assert.Equal(ExpectedCountingOutputs(Inputs), outputs);
            Assert.Equal(1, node.Lifecycle.Initialized);
            Assert.Equal(Inputs.Length, node.Lifecycle.Processed);
            Assert.Equal(1, node.Lifecycle.Completed);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_give_the_node_a_context_named_after_it_that_is_cancelled_when_the_stage_stops() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(CountingNode.ZeroOneOrThree);

            await Source.From(Inputs).Via(node.AsFlow()).RunWith(Sink.Ignore<int>(), Materializer);

            var context = node.Lifecycle.LastContext;
            Assert.NotNull(context);
            Assert.Equal(nameof(CountingNode), context.NodeName);
            await AwaitAssertAsync(() => Assert.True(context.Stopping.IsCancellationRequested));
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_complete_an_empty_stream_after_calling_Complete_and_clean_up_once() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(CountingNode.ZeroOneOrThree);

            var outputs = await Source.Empty<int>().Via(node.AsFlow()).RunWith(Sink.Seq<int>(), Materializer);

            Assert.Empty(outputs);
            Assert.Equal(1, node.Lifecycle.Completed);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_deliver_every_output_in_order_when_downstream_requests_one_at_a_time() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(CountingNode.ZeroOneOrThree);
            var downstream = this.CreateSubscriberProbe<int>();
            Source.From(Inputs).Via(node.AsFlow()).RunWith(Sink.FromSubscriber(downstream), Materializer);

            foreach (var expected in ExpectedCountingOutputs(Inputs))
            {
                Assert.Equal(expected, await downstream.RequestNextAsync());
            }

            await downstream.RequestAsync(1);
            await downstream.ExpectCompleteAsync();
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_hold_back_the_next_input_until_every_output_of_the_previous_one_is_delivered() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(_ => 3);
            var downstream = this.CreateSubscriberProbe<int>();
            Source.From(Inputs).Via(node.AsFlow()).RunWith(Sink.FromSubscriber(downstream), Materializer);

            Assert.Equal(100, await downstream.RequestNextAsync());
            Assert.Equal(101, await downstream.RequestNextAsync());

            // Two of the first input's three outputs are out: the node has seen only that input.
            Assert.Equal(1, node.Lifecycle.Processed);
            Assert.Equal(102, await downstream.RequestNextAsync());
            Assert.Equal(200, await downstream.RequestNextAsync());
            Assert.Equal(2, node.Lifecycle.Processed);
            await downstream.CancelAsync();
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_flush_on_Complete_even_when_the_flush_exceeds_demand() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new BufferingNode(batchSize: 4, flushSize: 1);
            var downstream = this.CreateSubscriberProbe<int[]>();
            Source.From(Enumerable.Range(1, 11)).Via(node.AsFlow()).RunWith(Sink.FromSubscriber(downstream), Materializer);

            Assert.Equal(new[] { 1, 2, 3, 4 }, await downstream.RequestNextAsync());
            Assert.Equal(new[] { 5, 6, 7, 8 }, await downstream.RequestNextAsync());

            // The last three inputs come out of Complete one by one.
            Assert.Equal(new[] { 9 }, await downstream.RequestNextAsync());
            Assert.Equal(1, node.Lifecycle.Completed);
            Assert.Equal(new[] { 10 }, await downstream.RequestNextAsync());
            Assert.Equal(new[] { 11 }, await downstream.RequestNextAsync());
            await downstream.RequestAsync(1);
            await downstream.ExpectCompleteAsync();
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_clean_up_once_when_downstream_cancels_with_outputs_still_queued() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(_ => 3);
            var upstream = this.CreatePublisherProbe<int>();
            var downstream = this.CreateSubscriberProbe<int>();
            Source.FromPublisher(upstream).Via(node.AsFlow()).RunWith(Sink.FromSubscriber(downstream), Materializer);

            await downstream.RequestAsync(1);
            await upstream.SendNextAsync(7);
            Assert.Equal(700, await downstream.ExpectNextAsync());
            await downstream.CancelAsync();

            await upstream.ExpectCancellationAsync();
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
            Assert.Equal(0, node.Lifecycle.Completed);
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_pass_an_upstream_failure_through_unchanged_and_clean_up_once() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(CountingNode.ZeroOneOrThree);
            var boom = new TimeoutException("upstream went quiet");

            var run = Source.From(Inputs).Concat(Source.Failed<int>(boom)).Via(node.AsFlow()).RunWith(Sink.Ignore<int>(), Materializer);

            Assert.Same(boom, await Assert.ThrowsAsync<TimeoutException>(() => run));
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
            Assert.Equal(0, node.Lifecycle.Completed);
        }, Materializer);

    [Theory]
    [InlineData(ThrowingNode.Phase.Initialize, "initialize")]
    [InlineData(ThrowingNode.Phase.Process, "process")]
    [InlineData(ThrowingNode.Phase.Complete, "complete")]
    public async Task A_node_exception_must_fail_the_stream_with_NodeException_naming_node_and_phase(ThrowingNode.Phase phase, string phaseName) =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new ThrowingNode(phase, failOnInput: 3);

            var run = Source.From(Inputs).Via(node.AsFlow()).RunWith(Sink.Seq<int>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            Assert.Same(node.Error, error.InnerException);
            Assert.Equal("Thrower", error.NodeName);
            Assert.Equal(phaseName, error.Phase);
            Assert.Contains("'Thrower'", error.Message, StringComparison.Ordinal);
            Assert.Contains(node.Error.Message, error.Message, StringComparison.Ordinal);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task A_node_failing_in_Process_must_not_see_later_inputs() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new ThrowingNode(ThrowingNode.Phase.Process, failOnInput: 3);

            await Assert.ThrowsAsync<NodeException>(() => Source.From(Inputs).Via(node.AsFlow()).RunWith(Sink.Ignore<int>(), Materializer));

            Assert.Equal(3, node.Lifecycle.Processed);
            Assert.Equal(0, node.Lifecycle.Completed);
        }, Materializer);

    [Fact]
    public async Task A_node_failing_in_Dispose_must_not_fail_a_stream_that_already_completed() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new ThrowingNode(ThrowingNode.Phase.Dispose);

            var outputs = await Source.From(Inputs).Via(node.AsFlow()).RunWith(Sink.Seq<int>(), Materializer);

            Assert.Equal(Inputs, outputs);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task A_FrameFormatException_must_surface_naming_the_node_and_both_formats() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var stereo = new AudioFrame(new float[4], 44_100, 2);

            var run = Source.Single(stereo).Via(new MonoOnlyNode().AsFlow()).RunWith(Sink.Ignore<AudioFrame>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            var formatError = Assert.IsType<FrameFormatException>(error.InnerException);
            Assert.Equal("MonoOnly", formatError.NodeName);
            Assert.Contains("MonoOnly", error.Message, StringComparison.Ordinal);
            Assert.Contains(MonoOnlyNode.Expected, error.Message, StringComparison.Ordinal);
            Assert.Contains("44100 Hz, 2 ch", error.Message, StringComparison.Ordinal);
        }, Materializer);

    [Fact]
    public async Task Exceeding_the_pending_output_bound_must_fail_the_stream_with_a_clear_message() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var lifecycle = new Lifecycle();
            var stage = new NodeStage<int, int>(() => new CountingNode(_ => 10, lifecycle), maxPendingOutputs: 4);
            var upstream = this.CreatePublisherProbe<int>();
            var downstream = this.CreateSubscriberProbe<int>();
            Source.FromPublisher(upstream).Via(stage).RunWith(Sink.FromSubscriber(downstream), Materializer);

            await downstream.RequestAsync(1);
            await upstream.SendNextAsync(1);

            // The first output met demand; the next four waited; the fifth waiting one broke the bound.
            Assert.Equal(100, await downstream.ExpectNextAsync());
            var error = Assert.IsType<NodeException>(await downstream.ExpectErrorAsync());

            Assert.Contains("'CountingNode'", error.Message, StringComparison.Ordinal);
            Assert.Contains("more than 4", error.Message, StringComparison.Ordinal);
            Assert.Contains("maxPendingOutputs", error.Message, StringComparison.Ordinal);
            await AwaitAssertAsync(() => Assert.Equal(1, lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task Outputs_up_to_the_pending_bound_must_all_be_delivered() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            // With demand for one, the first output goes out at once and the other four wait: exactly at the bound.
            var stage = new NodeStage<int, int>(() => new CountingNode(_ => 5), maxPendingOutputs: 4);
            var upstream = this.CreatePublisherProbe<int>();
            var downstream = this.CreateSubscriberProbe<int>();
            Source.FromPublisher(upstream).Via(stage).RunWith(Sink.FromSubscriber(downstream), Materializer);

            foreach (var input in new[] { 1, 2 })
            {
                await downstream.RequestAsync(1);
                await upstream.SendNextAsync(input);
                for (var k = 0; k < 5; k++)
                {
                    if (k > 0)
                    {
                        await downstream.RequestAsync(1);
                    }

                    Assert.Equal((input * 100) + k, await downstream.ExpectNextAsync());
                }
            }

            await upstream.SendCompleteAsync();
            await downstream.RequestAsync(1);
            await downstream.ExpectCompleteAsync();
        }, Materializer);

    [Fact]
    public async Task A_single_instance_flow_materialized_twice_must_fail_the_second_time_pointing_at_NodeFlow_Create() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var node = new CountingNode(CountingNode.ZeroOneOrThree);
            var flow = node.AsFlow();
            await Source.From(Inputs).Via(flow).RunWith(Sink.Ignore<int>(), Materializer);

            var second = Source.From(Inputs).Via(flow).RunWith(Sink.Ignore<int>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => second);
            Assert.Contains("NodeFlow.Create", error.Message, StringComparison.Ordinal);
            Assert.Contains("'CountingNode'", error.Message, StringComparison.Ordinal);
            Assert.IsType<InvalidOperationException>(error.InnerException);

            // The node of the first run was neither initialized nor cleaned up a second time.
            Assert.Equal(1, node.Lifecycle.Initialized);
            await AwaitAssertAsync(() => Assert.Equal(1, node.Lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task NodeFlow_Create_must_make_a_new_node_for_every_materialization() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var lifecycle = new Lifecycle();
            var flow = NodeFlow.Create(() => new CountingNode(CountingNode.ZeroOneOrThree, lifecycle));

            var first = Source.From(Inputs).Via(flow).RunWith(Sink.Seq<int>(), Materializer);
            var second = Source.From(Inputs).Via(flow).RunWith(Sink.Seq<int>(), Materializer);

            Assert.Equal(ExpectedCountingOutputs(Inputs), await first);
            Assert.Equal(ExpectedCountingOutputs(Inputs), await second);
            Assert.Equal(2, lifecycle.Created);
            Assert.Equal(2, lifecycle.Initialized);
            Assert.Equal(2 * Inputs.Length, lifecycle.Processed);
            await AwaitAssertAsync(() => Assert.Equal(2, lifecycle.Disposed));
        }, Materializer);

    [Fact]
    public async Task A_factory_that_throws_must_fail_the_stream_with_NodeException() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var boom = new ArgumentOutOfRangeException("gain", "gain must be finite");
            var flow = NodeFlow.Create<int, int>(() => throw boom, name: "Gain");

            var run = Source.From(Inputs).Via(flow).RunWith(Sink.Ignore<int>(), Materializer);

            var error = await Assert.ThrowsAsync<NodeException>(() => run);
            Assert.Same(boom, error.InnerException);
            Assert.Contains("'Gain'", error.Message, StringComparison.Ordinal);
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_release_a_pooled_input_the_node_did_not_emit_once_Process_returns() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var seen = new List<AudioFrame>();
            var flow = NodeFlow.Create(() => new DelegateNode<AudioFrame, AudioFrame>((input, output) =>
            {
                seen.Add(input);
                output.Emit(AudioFrame.Copy(input.Samples.Span, input.SampleRate, input.Channels, input.Sequence));
            }));

            var outputs = await Source.From(PooledFrames(3)).Via(flow).RunWith(Sink.Seq<AudioFrame>(), Materializer);

            Assert.Equal([[0f, 1f], [1f, 2f], [2f, 3f]], outputs.Select(f => f.Samples.ToArray()));
            Assert.All(seen, frame => Assert.Throws<ObjectDisposedException>(() => frame.Samples.ToArray()));
        }, Materializer);

    [Fact]
    public async Task NodeStage_must_hand_a_pooled_input_the_node_emits_downstream_with_its_one_reference() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var flow = NodeFlow.Create(() => new DelegateNode<AudioFrame, AudioFrame>((input, output) => output.Emit(input)));

            var outputs = await Source.From(PooledFrames(3)).Via(flow).RunWith(Sink.Seq<AudioFrame>(), Materializer);

            Assert.Equal([[0f, 1f], [1f, 2f], [2f, 3f]], outputs.Select(f => f.Samples.ToArray()));
            AssertEachHeldOnce(outputs);
        }, Materializer);

    [Fact]
    public async Task A_node_that_retains_its_pooled_inputs_must_be_able_to_emit_them_after_Process_returned() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var kept = new List<AudioFrame>();
            var flow = NodeFlow.Create(() => new DelegateNode<AudioFrame, AudioFrame>(
                (input, _) => kept.Add(input.Retain()),
                output => kept.ForEach(output.Emit)));

            var outputs = await Source.From(PooledFrames(3)).Via(flow).RunWith(Sink.Seq<AudioFrame>(), Materializer);

            Assert.Equal([[0f, 1f], [1f, 2f], [2f, 3f]], outputs.Select(f => f.Samples.ToArray()));
            AssertEachHeldOnce(outputs);
        }, Materializer);

    [Fact]
    public void NodeStage_must_reject_a_pending_bound_that_is_not_positive()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new NodeStage<int, int>(() => new CountingNode(_ => 1), maxPendingOutputs: 0));
        Assert.Equal("maxPendingOutputs", error.ParamName);
    }

    /// <summary>What <see cref="CountingNode"/> with <see cref="CountingNode.ZeroOneOrThree"/> should emit, computed independently.</summary>
    private static List<int> ExpectedCountingOutputs(IEnumerable<int> inputs)
    {
        var expected = new List<int>();
        foreach (var x in inputs)
        {
            var count = x % 3 == 0 ? 0 : x % 3 == 1 ? 1 : 3;
            for (var k = 0; k < count; k++)
            {
                expected.Add((x * 100) + k);
            }
        }

        return expected;
    }

    /// <summary>Each frame carries exactly one reference: one release sends its buffer back.</summary>
    private static void AssertEachHeldOnce(IEnumerable<AudioFrame> frames)
    {
        foreach (var frame in frames)
        {
            frame.Release();
            Assert.Throws<ObjectDisposedException>(() => frame.Samples.ToArray());
        }
    }

    /// <summary>Pooled frames of two samples each, <c>[i, i + 1]</c>, made lazily as the source is pulled.</summary>
    private static IEnumerable<AudioFrame> PooledFrames(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var frame = AudioFrame.Rent(2, 16_000, 1, i, TimeSpan.Zero, out var samples);
            samples[0] = i;
            samples[1] = i + 1;
            yield return frame;
        }
    }
}
