using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests;

/// <summary>An executor process killed with SIGKILL in the middle of a stream: each test kills one of two fresh executors.</summary>
public sealed class ExecutorCrashSpec : Akka.TestKit.Xunit2.TestKit
{
    public ExecutorCrashSpec(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Stream_must_fail_naming_the_executor_killed_mid_stream_and_a_new_stream_must_run_on_the_survivor(RemoteTransport transport)
    {
        await using var cluster = await ExecutorCluster.StartAsync(2);
        var options = new RemoteStageOptions { Transport = transport };
        var received = 0;
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = Source.From(Enumerable.Range(0, int.MaxValue))
            .Select(i => TestAudio.Frame(i))
            .Throttle(50, TimeSpan.FromSeconds(1), 10, ThrottleMode.Shaping)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 0.5", options))
            .RunWith(
                Sink.ForEach<AudioFrame>(_ =>
                {
                    if (Interlocked.Increment(ref received) == 10)
                    {
                        flowing.TrySetResult();
                    }
                }),
                cluster.Materializer);
        await Task.WhenAny(flowing.Task, done).WaitAsync(ExecutorCluster.Patience);
        Assert.True(flowing.Task.IsCompleted, $"the stream ended before 10 frames came back: {done.Exception?.GetBaseException()}{Environment.NewLine}{cluster.Transcripts}");

        var sessions = await cluster.ActiveSessionsAsync();
        var victim = cluster.Executors.Single(e => sessions[e.Address] == 1);
        var survivor = cluster.Executors.Single(e => e != victim);
        victim.Kill();

        var error = await Assert.ThrowsAsync<RemoteStageException>(() => done.WaitAsync(ExecutorCluster.Patience));
        Assert.Equal(victim.Address, error.ExecutorAddress);
        Assert.Contains(victim.Address, error.Message);

        var frames = TestAudio.Frames(50);
        var results = await Source.From(frames)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 0.5", options))
            .RunWith(Sink.Seq<AudioFrame>(), cluster.Materializer)
            .WaitAsync(ExecutorCluster.Patience);
        Assert.Equal(frames.Select(f => f.Samples.ToArray().Select(s => s * 0.5f)), results.Select(f => f.Samples.ToArray()));
        Assert.False(survivor.Process.HasExited, survivor.Process.Transcript);
        await AwaitAssertAsync(
            async () => Assert.Equal(0, (await cluster.StatusAsync(survivor.Address)).ActiveSessions),
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));
    }
}
