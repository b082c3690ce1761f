using System.Collections.Concurrent;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Link;

public sealed class ObjectCallEndpointSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(AkkaMediaConfig.Default, output: output)
{
    [Fact]
    public async Task A_call_that_cannot_be_read_must_end_only_its_own_object_and_leave_the_link_and_other_objects_running()
    {
        var links = await LoopbackSockets.LinksAsync(Sys);
        using var client = links.Client;
        using var executor = links.Executor;
        var broken = new ConcurrentQueue<IObjectSessionMessage>();
        var healthy = new ConcurrentQueue<IObjectSessionMessage>();
        new ObjectCallEndpoint(broken.Enqueue).Bind(executor, 1);
        new ObjectCallEndpoint(healthy.Enqueue).Bind(executor, 2);
        var brokenChannel = new RecordingChannel();
        client.Register(1, brokenChannel);
        client.Register(2, new RecordingChannel());
        client.Start();
        executor.Start();

        // Operation 0xEE does not exist: the executor cannot read this call.
        client.SendRaw(LinkMessageKind.Call, 1, [0xEE, 0, 0, 0, 0, 0, 0, 0, 1]);
        client.SendCall(2, new GetObjectState(7), urgent: true);

        var failure = await brokenChannel.Failure.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("could not read a call", failure, StringComparison.Ordinal);
        Assert.Contains("unknown operation 238", failure, StringComparison.Ordinal);
        await AwaitAssertAsync(() => Assert.Equal(new GetObjectState(7), Assert.Single(healthy)), TimeSpan.FromSeconds(10));
        Assert.Empty(broken);
        Assert.False(client.Closed.Task.IsCompleted);
        Assert.False(executor.Closed.Task.IsCompleted);
    }

    /// <summary>The client's end of a call channel: records the failure the executor sends on it.</summary>
    private sealed class RecordingChannel : ILinkChannel
    {
        public TaskCompletionSource<string> Failure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnData(List<object> elements)
        {
        }

        public void OnDemand(int count)
        {
        }

        public void OnComplete()
        {
        }

        public void OnFailure(string message) => Failure.TrySetResult(message);

        public void OnCancel()
        {
        }

        public void OnLinkLost(Exception cause) => Failure.TrySetResult("link lost: " + cause.Message);

        public void OnReply(ReadOnlySpan<byte> payload)
        {
        }
    }
}
