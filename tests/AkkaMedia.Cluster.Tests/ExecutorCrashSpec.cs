using System.Text.RegularExpressions;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests;

/// <summary>An executor process killed with SIGKILL in the middle of a stream: each test kills a fresh executor.</summary>
public sealed partial class ExecutorCrashSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string LivePipeline = """
        pipeline {
          source { type = tone, frequency = 440, duration = 300s, realtime = true }
          stages = [ { type = Gain, gain = 0.5, remote = true } ]
          sink { type = discard }
        }
        """;

    /// <summary>
    /// How long <c>akkamedia run</c> may take to exit once its executor is killed, on two busy cores: the failure shows at
    /// once (the media link breaks) or after <c>akka-media.remote.idle-timeout</c> (StreamRefs, 1 s), and the client then
    /// stops without waiting for the cluster. A bound for correctness, not a speed figure (docs/benchmarks.md has those).
    /// </summary>
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(10);

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

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Run_must_exit_1_with_one_line_naming_the_executor_killed_mid_stream_without_waiting_to_leave_the_cluster(RemoteTransport transport)
    {
        var pipeline = Path.Combine(Path.GetTempPath(), $"akkamedia-live-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(pipeline, LivePipeline);
        try
        {
            await using var executor = await NodeProcess.StartAsync("--port", "0");
            await using var run = HostProcess.Start(["run", pipeline, "--seeds", executor.Address, "--transport", transport.ToString()]);
            await run.WaitForLineAsync(l => Regex.IsMatch(l, @"^run: [1-9]\d* elements"), ExecutorCluster.Patience, "progress line with elements through the pipeline");

            executor.Kill();

            var exitCode = await run.WaitForExitAsync(ExitDeadline);
            Assert.True(exitCode == 1, $"exit code {exitCode}{Environment.NewLine}{run.Transcript}");

            // No leave can complete while the dead executor is a member (its removal waits for failure detection and the
            // split-brain resolver): a client that waited for one would sit out its cluster-exiting phase, and say so.
            Assert.DoesNotContain(run.ErrorLines, l => l.Contains("Coordinated shutdown phase", StringComparison.Ordinal));

            // One line for the operator; log events (a warning of a busy machine) are not part of the message.
            var message = Assert.Single(run.ErrorLines, l => !LogEvent().IsMatch(l));
            Assert.StartsWith("run failed: ", message);
            Assert.Contains(executor.Address, message);
            Assert.DoesNotContain(run.ErrorLines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(pipeline);
        }
    }

    /// <summary>A line of the host's text log: a UTC timestamp and a three-letter level.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (VRB|DBG|INF|WRN|ERR|FTL) ")]
    private static partial Regex LogEvent();
}
