using Akka.Actor;
using AkkaMedia.Executor.Isolation;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>The frame-path warm-up a warm worker runs before it reports ready, run in the spec's own actor system.</summary>
public sealed class WorkerStreamWarmUpSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public async Task The_warm_up_must_stream_every_frame_through_a_link_to_itself_and_leave_no_socket_behind()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"akka-media-warm-up-{Environment.ProcessId}.sock");

        Assert.True(await WorkerStreamWarmUp.RunAsync((ExtendedActorSystem)Sys).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(socket));

        // A second run (a socket file of an earlier one would make it fail to bind) works as well.
        Assert.True(await WorkerStreamWarmUp.RunAsync((ExtendedActorSystem)Sys).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
