using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.Tests.Tracing;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Diagnostics;

/// <summary>
/// What a remote stage puts into the request that opens its session, seen by a probe standing in for the executor:
/// the stage's own span when AkkaMedia is traced, the caller's trace when only the caller is, nothing otherwise.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class RemoteStageTracingSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly RemoteStageOptions _options;

    public RemoteStageTracingSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
        Sys.ActorOf(Props.Create(() => new Forwarder(TestActor)), "akka-media-executor");
        _options = new RemoteStageOptions { Executor = ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), Transport = RemoteTransport.StreamRefs };
    }

    [Fact]
    public void A_remote_stage_must_create_no_span_and_send_no_trace_context_when_nobody_listens()
    {
        Assert.False(MediaTracing.Source.HasListeners());
        Assert.Null(Activity.Current);

        Materialize();

        var open = ExpectMsg<OpenSession>();
        Assert.Null(open.TraceParent);
        Assert.Null(open.TraceState);
        Assert.Null(Activity.Current);
    }

    [Fact]
    public void A_remote_stage_must_pass_the_callers_trace_on_when_AkkaMedia_itself_is_not_traced()
    {
        Assert.False(MediaTracing.Source.HasListeners());
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        request.TraceStateString = "vendor=1";

        Materialize();

        var open = ExpectMsg<OpenSession>();
        Assert.Equal(request.Id, open.TraceParent);
        Assert.Equal("vendor=1", open.TraceState);
    }

    [Fact]
    public async Task A_remote_stage_must_send_its_own_span_as_parent_and_end_it_with_the_refusal_as_error()
    {
        using var spans = new SpanRecorder();
        Activity stageSpan;
        using (var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            var result = Materialize();
            var open = ExpectMsg<OpenSession>();
            LastSender.Tell(new SessionRefused(open.SessionId, RefusalReason.BadSettings, "'gain' is not a setting of Scale."));
            await Assert.ThrowsAsync<RemoteStageException>(() => result);

            await AwaitAssertAsync(() => Assert.Single(spans.Stopped(MediaTracing.RemoteStageOpen)));
            stageSpan = spans.Stopped(MediaTracing.RemoteStageOpen)[0];
            Assert.Equal(stageSpan.Id, open.TraceParent);
            Assert.Equal(request.TraceId, stageSpan.TraceId);
            Assert.Equal(request.SpanId, stageSpan.ParentSpanId);
            Assert.Equal(open.SessionId, stageSpan.GetTagItem(MediaTracing.SessionIdTag));
        }

        Assert.Equal(ActivityKind.Client, stageSpan.Kind);
        Assert.Equal(ActivityStatusCode.Error, stageSpan.Status);
        Assert.Contains("'gain' is not a setting of Scale.", stageSpan.StatusDescription);
        Assert.Equal(typeof(RemoteStageException).FullName, stageSpan.GetTagItem(MediaTracing.ErrorTypeTag));
        Assert.Equal("Scale", stageSpan.GetTagItem(MediaTracing.NodeTypeTag));
        Assert.Contains(stageSpan.Events, e => e.Name == "akkamedia.refused");
        Assert.Contains(stageSpan.Events, e => e.Name == "exception");
    }

    /// <summary>Runs one element through a remote <c>Scale</c> stage placed on the probe.</summary>
    private Task<IImmutableList<object>> Materialize() =>
        Source.Single((object)1)
            .Via(RemoteNode.Flow<object, object>("Scale", "factor = 2", _options))
            .RunWith(Sink.Seq<object>(), Sys.Materializer());

    /// <summary>Stands in for an executor actor: hands every request to the test actor, which answers it.</summary>
    private sealed class Forwarder(IActorRef target) : UntypedActor
    {
        protected override void OnReceive(object message) => target.Forward(message);
    }
}
