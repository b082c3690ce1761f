using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit.Xunit2;
using AkkaMedia.Core.Tests.Nodes.TestNodes;
using AkkaMedia.Nodes;
using AkkaMedia.Pipelines;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Pipelines;

public sealed class PipelineSpec : TestKit
{
    public PipelineSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
        Materializer = Sys.Materializer();
    }

    private IMaterializer Materializer { get; }

    [Fact]
    public async Task RunAsync_must_report_how_many_elements_left_the_last_stage() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count: 12);
            var node = new CountingNode(CountingNode.ZeroOneOrThree);

            var result = await Pipeline.From(source)
                .Add(node)
                .Via(Flow.Create<int>().Where(x => x % 2 == 0))
                .RunAsync(Sys);

            // Independently: inputs 1..12 give x*100+k for k below 0, 1 or 3 outputs; keep the even ones.
            var expected = Enumerable.Range(1, 12)
                .SelectMany(x => Enumerable.Range(0, x % 3 == 0 ? 0 : x % 3 == 1 ? 1 : 3).Select(k => (x * 100) + k))
                .Count(y => y % 2 == 0);
            Assert.Equal(expected, result.Elements);
            Assert.True(result.Elapsed > TimeSpan.Zero);
            await AwaitAssertAsync(() =>
            {
                Assert.Equal(1, source.Lifecycle.Disposed);
                Assert.Equal(1, node.Lifecycle.Disposed);
            });
        }, Materializer);

    [Fact]
    public async Task RunAsync_must_accept_any_Akka_source() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var result = await Pipeline.From(Source.From(Enumerable.Range(0, 5)))
                .Add(new CountingNode(_ => 2))
                .RunAsync(Materializer);

            Assert.Equal(10, result.Elements);
        }, Materializer);

    [Fact]
    public async Task RunAsync_must_fail_with_the_nodes_error() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count: 10);
            var node = new ThrowingNode(ThrowingNode.Phase.Process, failOnInput: 5);

            var error = await Assert.ThrowsAsync<NodeException>(() => Pipeline.From(source).Add(node).RunAsync(Sys));

            Assert.Same(node.Error, error.InnerException);
            Assert.Equal("Thrower", error.NodeName);
            await AwaitAssertAsync(() =>
            {
                Assert.Equal(1, node.Lifecycle.Disposed);
                Assert.Equal(1, source.Lifecycle.Disposed);
            });
        }, Materializer);

    [Fact]
    public async Task Cancelling_the_token_must_stop_the_run_with_OperationCanceledException_and_dispose_the_nodes() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var source = new CountingSource(count: null);
            var node = new CountingNode(_ => 1);
            using var cts = new CancellationTokenSource();

            // The tap lets the test see that elements flow before it cancels, without timing anything.
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = Pipeline.From(source)
                .Add(node)
                .Via(Flow.Create<int>().Select(x =>
                {
                    seen.TrySetResult();
                    return x;
                }))
                .RunAsync(Sys, cts.Token);
            await seen.Task;

            cts.Cancel();

            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            Assert.Equal(cts.Token, error.CancellationToken);
            await AwaitAssertAsync(() =>
            {
                Assert.Equal(1, node.Lifecycle.Disposed);
                Assert.Equal(1, source.Lifecycle.Disposed);
            });
            Assert.Equal(0, node.Lifecycle.Completed);
        }, Materializer);

    [Fact]
    public async Task A_token_cancelled_before_the_run_must_not_start_anything()
    {
        var source = new CountingSource(count: 3);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Pipeline.From(source).RunAsync(Sys, cts.Token));

        Assert.Equal(0, source.Lifecycle.Initialized);
    }

    [Fact]
    public async Task A_pipeline_is_immutable_each_step_returns_a_new_one() =>
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var start = Pipeline.From(Source.From(new[] { 1, 2, 3 }));
            var doubled = start.Add(new CountingNode(_ => 2));

            Assert.Equal(3, (await start.RunAsync(Materializer)).Elements);
            Assert.Equal(6, (await doubled.RunAsync(Materializer)).Elements);
        }, Materializer);
}
