using System.Collections.Concurrent;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Remote;
using AkkaMedia.Remote.Transport;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Link;

public sealed class LinkCallClientSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(AkkaMediaConfig.Default, output: output)
{
    [Fact]
    public async Task A_reply_that_cannot_be_read_must_fail_only_that_objects_calls_and_leave_the_link_running()
    {
        var links = await LoopbackSockets.LinksAsync(Sys);
        using var client = links.Client;
        using var executor = links.Executor;
        var healthy = new ConcurrentQueue<IObjectSessionMessage>();
        var healthyEndpoint = new ObjectCallEndpoint(healthy.Enqueue);
        healthyEndpoint.Bind(executor, 2);
        client.Start();
        executor.Start();
        var broken = LinkCallClient.Open(client, 1, "session-1", "executor-a");
        var other = LinkCallClient.Open(client, 2, "session-2", "executor-a");
        var waiting = broken.CallAsync(new GetObjectState(0));

        // Outcome 0xEE does not exist: the client cannot read this reply.
        executor.SendRaw(LinkMessageKind.Reply, 1, [0xEE, 0, 0, 0, 0, 0, 0, 0, 1]);

        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("could not be read", error.Message, StringComparison.Ordinal);
        await broken.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<RemoteObjectException>(() => broken.CallAsync(new GetObjectState(0)));

        var answered = other.CallAsync(new GetObjectState(0));
        await AwaitAssertAsync(() => Assert.IsType<GetObjectState>(Assert.Single(healthy)), TimeSpan.FromSeconds(10));
        healthyEndpoint.Reply(new CallSucceeded(((GetObjectState)healthy.Single()).CallId, []));
        Assert.IsType<CallSucceeded>(await answered.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(client.Closed.Task.IsCompleted);
    }
}
