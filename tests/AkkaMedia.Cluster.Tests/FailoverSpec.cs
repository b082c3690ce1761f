using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests;

/// <summary>
/// Remote stages with failover on a cluster of executor processes, one killed with SIGKILL mid-stream: the stream goes
/// on from the survivor and its output is the output of a run without the kill, sample for sample.
/// </summary>
public sealed class FailoverSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int FrameCount = 300;

    /// <summary>How long a 6 s live-paced <c>akkamedia run</c> may take on two busy cores, start-up and failover included.</summary>
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    public FailoverSpec(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [InlineData("Gain", "gain = 0.5")]
    [InlineData("Echo", "delay = 130ms\ndecay = 0.6")]
    [InlineData("Reframe", "samples = 700")]
    [InlineData("Resample", "sample-rate = 16000")]
    public async Task Stage_with_failover_must_resume_on_the_survivor_with_the_output_of_a_run_without_the_kill(string nodeType, string settings)
    {
        await using var cluster = await ExecutorCluster.StartAsync(2);
        var options = new RemoteStageOptions { Transport = RemoteTransport.MediaLink, Failover = true, CheckpointEvery = 10 };
        var received = 0;
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = Source.From(Enumerable.Range(0, FrameCount))
            .Select(Noise)
            .Throttle(100, TimeSpan.FromSeconds(1), 10, ThrottleMode.Shaping)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>(nodeType, settings, options))
            .Select(f =>
            {
                if (Interlocked.Increment(ref received) == 40)
                {
                    flowing.TrySetResult();
                }

                return f;
            })
            .RunWith(Sink.Seq<AudioFrame>(), cluster.Materializer);
        await Task.WhenAny(flowing.Task, done).WaitAsync(ExecutorCluster.Patience);
        Assert.True(flowing.Task.IsCompleted, $"the stream ended before 40 frames came back: {done.Exception?.GetBaseException()}{Environment.NewLine}{cluster.Transcripts}");

        var sessions = await cluster.ActiveSessionsAsync();
        var victim = cluster.Executors.Single(e => sessions[e.Address] == 1);
        var survivor = cluster.Executors.Single(e => e != victim);
        victim.Kill();

        var results = await done.WaitAsync(ExecutorCluster.Patience);
        var expected = await Source.From(Enumerable.Range(0, FrameCount))
            .Select(Noise)
            .Via(Local(nodeType, settings))
            .RunWith(Sink.Seq<AudioFrame>(), cluster.Materializer);

        Assert.Equal(expected.Count, results.Count);
        Assert.Equal(expected.Select(f => f.Sequence), results.Select(f => f.Sequence));
        Assert.Equal(expected.Select(f => f.Timestamp), results.Select(f => f.Timestamp));
        Assert.Equal(expected.SelectMany(f => f.Samples.ToArray()), results.SelectMany(f => f.Samples.ToArray()));
        Assert.False(survivor.Process.HasExited, survivor.Process.Transcript);
        await AwaitAssertAsync(
            async () => Assert.Equal(0, (await cluster.StatusAsync(survivor.Address)).ActiveSessions),
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Stage_with_failover_must_fail_naming_the_lost_executor_when_no_other_is_left()
    {
        await using var cluster = await ExecutorCluster.StartAsync(1);
        var options = new RemoteStageOptions { Transport = RemoteTransport.MediaLink, Failover = true };
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = Source.From(Enumerable.Range(0, int.MaxValue))
            .Select(Noise)
            .Throttle(50, TimeSpan.FromSeconds(1), 10, ThrottleMode.Shaping)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 0.5", options))
            .RunWith(Sink.ForEach<AudioFrame>(_ => flowing.TrySetResult()), cluster.Materializer);
        await Task.WhenAny(flowing.Task, done).WaitAsync(ExecutorCluster.Patience);
        Assert.True(flowing.Task.IsCompleted, $"the stream ended before a frame came back: {done.Exception?.GetBaseException()}");

        var victim = cluster.Executors[0];
        victim.Kill();

        var error = await Assert.ThrowsAsync<RemoteStageException>(() => done.WaitAsync(ExecutorCluster.Patience));
        Assert.Contains(victim.Address, error.Message);
        Assert.Contains("No other executor could take the session over", error.Message);
    }

    [Fact]
    public async Task Run_with_failover_must_write_the_wav_of_a_run_without_the_kill_when_the_executor_of_its_stateful_stage_is_killed()
    {
        await using var cluster = await ExecutorCluster.StartAsync(2);
        var pipeline = Path.Combine(cluster.Folder, "failover.conf");
        await File.WriteAllTextAsync(pipeline, """
            pipeline {
              source { type = speech-like, duration = 6s, seed = 11, realtime = true }
              stages = [
                { type = Gain, gain = 0.8 }
                { type = Echo, delay = 250ms, decay = 0.5, remote = true, failover = true }
              ]
              sink { type = wav-file, path = "unused.wav" }
            }
            """);
        var reference = Path.Combine(cluster.Folder, "reference.wav");
        var killed = Path.Combine(cluster.Folder, "killed.wav");

        await using (var run = HostProcess.Start(["run", pipeline, "--seeds", cluster.Seed, "--output", reference]))
        {
            var exitCode = await run.WaitForExitAsync(RunDeadline);
            Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{run.Transcript}");
        }

        await using (var run = HostProcess.Start(["run", pipeline, "--seeds", cluster.Seed, "--output", killed]))
        {
            await run.WaitForLineAsync(l => l.StartsWith("run: ", StringComparison.Ordinal) && l.Contains(" elements", StringComparison.Ordinal), ExecutorCluster.Patience, "progress line with elements through the pipeline");
            var sessions = await cluster.ActiveSessionsAsync();
            var victim = cluster.Executors.Single(e => sessions[e.Address] == 1);
            victim.Kill();

            var exitCode = await run.WaitForExitAsync(RunDeadline);
            Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{run.Transcript}");
            Assert.Contains(victim.Address, run.Transcript);
        }

        var (expected, expectedFormat) = TestAudio.ReadWav(reference);
        var (actual, actualFormat) = TestAudio.ReadWav(killed);
        Assert.Equal(expectedFormat, actualFormat);
        Assert.True(expected.Length >= 6 * 48000, $"the reference run wrote {expected.Length} samples, less than its 6 s of input");
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Frame <paramref name="sequence"/> of 20 ms, 48 kHz mono noise: no two frames alike, so a lost or repeated frame
    /// shows in the samples.
    /// </summary>
    internal static AudioFrame Noise(int sequence)
    {
        var random = new Random(sequence);
        var samples = new float[TestAudio.SamplesPerFrame];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(random.NextDouble() - 0.5);
        }

        return new AudioFrame(samples, TestAudio.SampleRate, 1, sequence, TimeSpan.FromMilliseconds(20 * sequence));
    }

    /// <summary>The same node type and settings run in this process: the run without a kill.</summary>
    private static Flow<AudioFrame, AudioFrame, Akka.NotUsed> Local(string nodeType, string settings)
    {
        Assert.True(BuiltInNodes.CreateRegistry().TryGet(nodeType, out var descriptor));
        return Flow.Create<AudioFrame>()
            .Select(f => (object)f)
            .Via(descriptor.CreateUntypedFlow(descriptor.Bind(ConfigurationFactory.ParseString(settings))))
            .Select(o => (AudioFrame)o);
    }
}
