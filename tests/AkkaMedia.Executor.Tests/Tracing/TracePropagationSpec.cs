using System.Diagnostics;
using System.Reflection;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using AkkaMedia.Tests.Tracing;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Tracing;

/// <summary>
/// A client and an executor (two actor systems over real remoting, in one process, so one listener sees both ends):
/// the executor's spans for a session are children of the client's, in one trace, whatever carried the request.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class TracePropagationSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>
{
    private static readonly Lazy<Assembly> CalculatorCode = new(() => UserCode.Load("UserCalcTraced", UserSources.Calculator()));

    public TracePropagationSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(RemoteTransport.MediaLink)]
    [InlineData(RemoteTransport.StreamRefs)]
    public async Task A_remote_stage_and_its_session_on_the_executor_must_share_one_trace(RemoteTransport transport)
    {
        using var spans = new SpanRecorder();
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

        var results = await Source.From(Enumerable.Range(0, 5).Select(i => TestRegistry.Frame(i)))
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 2", new RemoteStageOptions { Transport = transport }))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer());
        Assert.Equal(5, results.Count);

        var (client, server) = await AwaitSpansAsync(spans, MediaTracing.RemoteStageOpen, MediaTracing.SessionStart);
        Assert.Equal(request.TraceId, client.TraceId);
        Assert.Equal(request.SpanId, client.ParentSpanId);
        Assert.Equal(client.TraceId, server.TraceId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.True(server.HasRemoteParent);
        Assert.Equal((ActivityKind.Client, ActivityKind.Server), (client.Kind, server.Kind));
        Assert.Equal(client.GetTagItem(MediaTracing.SessionIdTag), server.GetTagItem(MediaTracing.SessionIdTag));
        Assert.Equal(("Scale", "node"), (server.GetTagItem(MediaTracing.NodeTypeTag), server.GetTagItem(MediaTracing.SessionKindTag)));
        Assert.Equal((ActivityStatusCode.Unset, ActivityStatusCode.Unset), (client.Status, server.Status));
    }

    [Fact]
    public async Task A_remote_object_deploy_and_its_load_on_the_executor_must_share_one_trace()
    {
        using var spans = new SpanRecorder();
        await using (var calculator = await RemoteHandle.DeployAsync(Sys, UserCode.Create(CalculatorCode.Value, "UserCalc.Calculator"), "ICalculator"))
        {
            Assert.Equal(4, calculator.Call("Add", 4));
        }

        var (deploy, server) = await AwaitSpansAsync(spans, MediaTracing.ObjectDeploy, MediaTracing.SessionStart);
        var upload = Assert.Single(spans.Stopped(MediaTracing.PackageUpload));
        var load = Assert.Single(spans.Stopped(MediaTracing.CodeLoad));
        Assert.Null(deploy.ParentId);
        Assert.All([upload, server, load], span => Assert.Equal(deploy.TraceId, span.TraceId));
        Assert.Equal(deploy.SpanId, upload.ParentSpanId);
        Assert.Equal(deploy.SpanId, server.ParentSpanId);
        Assert.Equal(server.SpanId, load.ParentSpanId);
        Assert.Equal("object", server.GetTagItem(MediaTracing.SessionKindTag));
        Assert.Equal("UserCalcTraced", load.GetTagItem(MediaTracing.EntryAssemblyTag));
        Assert.Equal(deploy.GetTagItem(MediaTracing.SessionIdTag), server.GetTagItem(MediaTracing.SessionIdTag));
    }

    [Fact]
    public async Task A_refused_session_must_end_both_ends_spans_with_an_error()
    {
        using var spans = new SpanRecorder();

        await Assert.ThrowsAsync<RemoteStageException>(() => Source.Single(TestRegistry.Frame(0))
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Nope"))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer()));

        var (client, server) = await AwaitSpansAsync(spans, MediaTracing.RemoteStageOpen, MediaTracing.SessionStart);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal((ActivityStatusCode.Error, ActivityStatusCode.Error), (client.Status, server.Status));
        Assert.Equal("UnknownNodeType", server.GetTagItem(MediaTracing.RefusalTag));
        Assert.Contains("Unknown node type 'Nope'", server.StatusDescription);
        Assert.Contains("Unknown node type 'Nope'", client.StatusDescription);
    }

    /// <summary>Waits for exactly one stopped span of each name (each end stops its span on its own schedule).</summary>
    private async Task<(Activity First, Activity Second)> AwaitSpansAsync(SpanRecorder spans, string first, string second)
    {
        await AwaitAssertAsync(() =>
        {
            Assert.Single(spans.Stopped(first));
            Assert.Single(spans.Stopped(second));
        });
        return (spans.Stopped(first)[0], spans.Stopped(second)[0]);
    }
}
