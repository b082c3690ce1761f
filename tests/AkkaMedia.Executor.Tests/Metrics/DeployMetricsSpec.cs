using System.Reflection;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Metrics;

/// <summary>The executor's package cache, deploy and user-code error instruments, after real deployments of remote objects.</summary>
[Collection(UserCodeCollection.Name)]
public sealed class DeployMetricsSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>
{
    private const string Executor = AkkaMediaTelemetry.ExecutorMeterName;

    /// <summary>A user node that passes frames through and throws on frame 2.</summary>
    private const string ThrowingNode = """
        using AkkaMedia.Frames;
        using AkkaMedia.Nodes;

        namespace UserThrowing
        {
            public sealed class ThrowingNode : Node<AudioFrame, AudioFrame>
            {
                public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
                {
                    if (input.Sequence == 2)
                    {
                        throw new System.InvalidOperationException("frame 2 is not welcome");
                    }

                    output.Emit(input);
                }
            }
        }
        """;

    private readonly ObjectExecutor _executor;
    private readonly MetricsRecorder _metrics;

    public DeployMetricsSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        _metrics = new MetricsRecorder(executor.System);
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task Executor_must_count_a_second_deploy_of_the_same_code_as_a_cache_hit_without_upload()
    {
        // Code of its own (the description changes its bytes), so no other spec has cached it on this executor.
        var code = UserCode.Load("UserCalcMetrics", UserSources.Calculator("metrics cache"));
        var assemblyBytes = new FileInfo(code.Location).Length;
        var hits = _metrics.Value(Executor, "packages.cache.hits");
        var misses = _metrics.Value(Executor, "packages.cache.misses");
        var uploaded = _metrics.Value(Executor, "packages.bytes.uploaded");
        var stored = _metrics.Value(Executor, "packages.bytes.stored");
        var loaded = _metrics.Value(Executor, "deploys", ("kind", "object"), ("outcome", "loaded"));

        await using (var first = await DeployAsync(code))
        {
            Assert.Equal(3, first.Call("Add", 3));
        }

        Assert.Equal(1, _metrics.Value(Executor, "packages.cache.misses") - misses);
        Assert.Equal(0, _metrics.Value(Executor, "packages.cache.hits") - hits);
        Assert.Equal(assemblyBytes, _metrics.Value(Executor, "packages.bytes.uploaded") - uploaded);
        Assert.Equal(assemblyBytes, _metrics.Value(Executor, "packages.bytes.stored") - stored);

        await using (var second = await DeployAsync(code))
        {
            Assert.Equal(4, second.Call("Add", 4));
        }

        Assert.Equal(1, _metrics.Value(Executor, "packages.cache.hits") - hits);
        Assert.Equal(1, _metrics.Value(Executor, "packages.cache.misses") - misses);
        Assert.Equal(assemblyBytes, _metrics.Value(Executor, "packages.bytes.uploaded") - uploaded);
        Assert.Equal(2, _metrics.Value(Executor, "deploys", ("kind", "object"), ("outcome", "loaded")) - loaded);
        await AwaitAssertAsync(() => Assert.Equal(0, _metrics.Value(Executor, "sessions.active", ("kind", "object"))), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Executor_must_count_a_user_call_that_throws_as_a_user_code_error()
    {
        var code = UserCode.Load("UserCalcThrows", UserSources.Calculator("metrics errors"));
        var before = _metrics.Value(Executor, "errors", ("kind", "user_code"));

        await using (var calculator = await DeployAsync(code))
        {
            calculator.Call("Add", 8);
            Assert.Throws<RemoteExecutionException>(() => calculator.Call("Divide", 0));
            Assert.Equal(4, calculator.Call("Divide", 2));
        }

        Assert.Equal(1, _metrics.Value(Executor, "errors", ("kind", "user_code")) - before);
    }

    [Fact]
    public async Task Executor_must_count_code_the_sandbox_refuses_as_a_rejected_deploy_and_a_sandbox_violation()
    {
        var snooper = UserCode.Create(UserCode.Load("UserSnooperMetrics", UserSources.Snooper), "UserSnooper.Snooper");
        var violations = _metrics.Value(Executor, "errors", ("kind", "sandbox_violation"));
        var rejected = _metrics.Value(Executor, "deploys", ("kind", "object"), ("outcome", "rejected"));
        var refused = _metrics.Value(Executor, "sessions.refused", ("reason", "code_rejected"));
        var admission = _metrics.Value(Executor, "errors", ("kind", "refused"));

        await Assert.ThrowsAsync<RemoteObjectException>(() => RemoteHandle.DeployAsync(Sys, snooper, "IProbe"));

        Assert.Equal(1, _metrics.Value(Executor, "errors", ("kind", "sandbox_violation")) - violations);
        Assert.Equal(1, _metrics.Value(Executor, "deploys", ("kind", "object"), ("outcome", "rejected")) - rejected);
        Assert.Equal(1, _metrics.Value(Executor, "sessions.refused", ("reason", "code_rejected")) - refused);
        Assert.Equal(admission, _metrics.Value(Executor, "errors", ("kind", "refused")));
    }

    [Fact]
    public async Task Executor_must_count_a_shipped_node_that_throws_as_user_code_after_its_frames()
    {
        var node = (Node<AudioFrame, AudioFrame>)UserCode.Create(UserCode.Load("UserThrowingMetrics", ThrowingNode), "UserThrowing.ThrowingNode");
        var shipped = new[] { ("kind", "shipped-node"), ("node_type", "UserThrowingMetrics") };
        var userCode = _metrics.Value(Executor, "errors", ("kind", "user_code"));
        var nodeFailures = _metrics.Value(Executor, "errors", ("kind", "node_failure"));
        var loaded = _metrics.Value(Executor, "deploys", ("kind", "shipped-node"), ("outcome", "loaded"));

        await Assert.ThrowsAsync<RemoteStageException>(() => Source.From(Enumerable.Range(0, 10).Select(i => TestRegistry.Frame(i, samples: 64)))
            .Via(RemoteObject.Flow(node))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer()));

        await AwaitAssertAsync(() => Assert.Equal(1, _metrics.Value(Executor, "errors", ("kind", "user_code")) - userCode), TimeSpan.FromSeconds(10));
        Assert.Equal(nodeFailures, _metrics.Value(Executor, "errors", ("kind", "node_failure")));
        Assert.Equal(1, _metrics.Value(Executor, "deploys", ("kind", "shipped-node"), ("outcome", "loaded")) - loaded);
        Assert.Equal(3, _metrics.Value(Executor, "frames.received", shipped));
        Assert.Equal(2, _metrics.Value(Executor, "frames.sent", shipped));
        Assert.Equal(2 * 64 * sizeof(float), _metrics.Value(Executor, "bytes.sent", shipped));
    }

    protected override void AfterAll()
    {
        _metrics.Dispose();
        base.AfterAll();
    }

    private Task<RemoteHandle> DeployAsync(Assembly code) =>
        RemoteHandle.DeployAsync(Sys, UserCode.Create(code, "UserCalc.Calculator"), "ICalculator");
}
