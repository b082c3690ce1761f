using System.Reflection;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Cluster.Tests.Isolation;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests;

/// <summary>
/// A shipped node (<see cref="RemoteObject.Flow{TIn,TOut}"/>) that keeps state and checkpoints it, on a cluster of two
/// executor processes, the one running it killed with SIGKILL mid-stream (its process alone, as the kernel's OOM killer
/// would): the stream goes on from the survivor, the node resumed from its last checkpoint, and its output is the output
/// of a run without the kill. With <c>isolation = process</c> the node runs in a worker process on each executor, and
/// the killed executor's workers end with it.
/// </summary>
public sealed class ShippedNodeFailoverSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Frames sent before the stream waits for the survivor to have taken over; more than are sent before the kill.</summary>
    private const int FirstPart = 150;

    private const int FrameCount = 250;

    /// <summary>Outputs received before the kill: with <see cref="MaxUnacknowledged"/> inputs, at least one checkpoint has come back by then.</summary>
    private const int KillAfterOutputs = 40;

    /// <summary>
    /// Inputs the client keeps until a checkpoint covers them: it cannot send more without one, so by the
    /// <see cref="KillAfterOutputs"/>th output (about the 30th input) the session has checkpointed, and the survivor resumes
    /// from a saved state, not from the shipped one.
    /// </summary>
    private const int MaxUnacknowledged = 16;

    private static readonly Lazy<Assembly> NodeCode = new(() => UserCode.Load("UserFailoverNodes", """
        using System;
        using System.Buffers;
        using AkkaMedia.Frames;
        using AkkaMedia.Nodes;

        namespace UserFailoverNodes
        {
            // Adds a share of the running sum of every sample it has seen to each sample, emits every third input twice
            // and numbers its outputs itself: whatever it emits after a state lost or taken from the wrong point differs,
            // for ever, in its samples, its count or its sequence (a decaying state, a filter's, would heal within a frame).
            public sealed class RunningSumRepeater : Node<AudioFrame, AudioFrame>, IStatefulNode
            {
                private readonly double _share;
                private double _sum;
                private long _inputs;
                private long _outputs;

                public RunningSumRepeater(double share) { _share = share; }

                public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
                {
                    var source = input.Samples.Span;
                    var samples = new float[source.Length];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        _sum += source[i];
                        samples[i] = (float)(source[i] + (_share * _sum));
                    }

                    _inputs++;
                    Emit(input, samples, output);
                    if (_inputs % 3 == 0)
                    {
                        Emit(input, (float[])samples.Clone(), output);
                    }
                }

                public void SaveState(IBufferWriter<byte> destination)
                {
                    var writer = new NodeStateWriter(destination);
                    writer.WriteVersion(1);
                    writer.WriteDouble(_sum);
                    writer.WriteInt64(_inputs);
                    writer.WriteInt64(_outputs);
                }

                public void RestoreState(ReadOnlySpan<byte> state)
                {
                    var reader = new NodeStateReader(state, Name);
                    reader.ReadVersion(1);
                    var sum = reader.ReadDouble();
                    var inputs = reader.ReadInt64();
                    var outputs = reader.ReadInt64();
                    reader.ReadEnd();
                    _sum = sum;
                    _inputs = inputs;
                    _outputs = outputs;
                }

                private void Emit(AudioFrame input, float[] samples, INodeOutput<AudioFrame> output)
                {
                    output.Emit(new AudioFrame(samples, input.SampleRate, input.Channels, _outputs, input.Timestamp));
                    _outputs++;
                }
            }
        }
        """));

    public ShippedNodeFailoverSpec(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [ProcessIsolationFact]
    public Task Shipped_node_with_failover_under_process_isolation_must_resume_on_the_survivor_from_its_checkpoint_when_its_executor_is_killed() =>
        KillTheExecutorMidStreamAsync("process");

    [Fact]
    public Task Shipped_node_with_failover_in_process_must_resume_on_the_survivor_from_its_checkpoint_when_its_executor_is_killed() =>
        KillTheExecutorMidStreamAsync("in-process");

    private async Task KillTheExecutorMidStreamAsync(string isolation)
    {
        var inWorkers = isolation == "process";
        await using var cluster = await ExecutorCluster.StartAsync(2, executorConfig: folder => $"""
            akka-media.executor.isolation = {isolation}
            akka-media.executor.workers.warm = 0
            akka-media.executor.workers.folder = "{Path.Combine(folder, "workers")}"
            """);
        // Every process the executors started, killed at the end if it still runs (a worker that outlived its executor).
        var started = new List<LinuxProcess>();
        try
        {
            var options = new RemoteStageOptions { Transport = RemoteTransport.MediaLink, Failover = true, CheckpointEvery = 4, MaxUnacknowledged = MaxUnacknowledged };
            var survivorTookOver = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var received = 0;
            var done = Source.From(Enumerable.Range(0, FirstPart))
                .Select(FailoverSpec.Noise)
                .Throttle(50, TimeSpan.FromSeconds(1), 10, ThrottleMode.Shaping)
                .Concat(Source.FromTask(survivorTookOver.Task).SelectMany(_ => Enumerable.Range(FirstPart, FrameCount - FirstPart)).Select(FailoverSpec.Noise))
                .Via(RemoteObject.Flow(NewNode(), options))
                .Select(f =>
                {
                    if (Interlocked.Increment(ref received) == KillAfterOutputs)
                    {
                        flowing.TrySetResult();
                    }

                    return f;
                })
                .RunWith(Sink.Seq<AudioFrame>(), cluster.Materializer);
            await Task.WhenAny(flowing.Task, done, Task.Delay(ExecutorCluster.Patience));
            Assert.True(
                flowing.Task.IsCompleted,
                $"{Volatile.Read(ref received)} of the first {KillAfterOutputs} frames came back (a session that sends no checkpoints stalls after {MaxUnacknowledged} inputs); the stream {(done.IsCompleted ? "ended: " + done.Exception?.GetBaseException() : "runs")}{Environment.NewLine}{cluster.Transcripts}");

            var sessions = await cluster.ActiveSessionsAsync();
            var victim = cluster.Executors.Single(e => sessions[e.Address] == 1);
            var survivor = cluster.Executors.Single(e => e != victim);
            var victimTree = LinuxProcesses.DescendantsOf(victim.Process.Pid);
            started.AddRange(victimTree);
            Assert.True(victimTree.Count(p => p.IsWorker) == (inWorkers ? 1 : 0), $"the node's executor runs these processes: [{string.Join("; ", victimTree)}]");
            Assert.DoesNotContain(LinuxProcesses.DescendantsOf(survivor.Process.Pid), p => p.IsWorker);

            victim.Process.KillAlone();

            // The stream waits after its first part until the survivor runs the session (in a worker of its own).
            var takeOver = AwaitAssertAsync(
                async () =>
                {
                    Assert.Equal(1, (await cluster.StatusAsync(survivor.Address)).ActiveSessions);
                    var survivorTree = LinuxProcesses.DescendantsOf(survivor.Process.Pid);
                    lock (started)
                    {
                        started.AddRange(survivorTree);
                    }

                    Assert.True(survivorTree.Count(p => p.IsWorker) == (inWorkers ? 1 : 0), $"the survivor runs these processes: [{string.Join("; ", survivorTree)}]");
                },
                ExecutorCluster.Patience,
                TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(takeOver, done);
            Assert.False(done.IsFaulted, $"the stream failed after the kill: {done.Exception?.GetBaseException()}{Environment.NewLine}{cluster.Transcripts}");
            await takeOver;
            survivorTookOver.SetResult(true);

            var results = await done.WaitAsync(ExecutorCluster.Patience);
            var expected = await Source.From(Enumerable.Range(0, FrameCount))
                .Select(FailoverSpec.Noise)
                .Via(NewNode().AsFlow())
                .RunWith(Sink.Seq<AudioFrame>(), cluster.Materializer);

            Assert.Equal(FrameCount + (FrameCount / 3), expected.Count);
            Assert.Equal(expected.Count, results.Count);
            Assert.Equal(expected.Select(f => f.Sequence), results.Select(f => f.Sequence));
            Assert.Equal(expected.Select(f => f.Timestamp), results.Select(f => f.Timestamp));
            Assert.Equal(expected.SelectMany(f => f.Samples.ToArray()), results.SelectMany(f => f.Samples.ToArray()));

            // The killed executor's processes (its worker and the worker's sandbox) ended with it; the survivor's worker
            // ended with the session.
            await AwaitAssertAsync(
                () => Assert.DoesNotContain(victimTree, p => p.IsRunning),
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(100));
            Assert.False(survivor.Process.HasExited, survivor.Process.Transcript);
            await AwaitAssertAsync(
                async () =>
                {
                    Assert.Equal(0, (await cluster.StatusAsync(survivor.Address)).ActiveSessions);
                    Assert.DoesNotContain(LinuxProcesses.DescendantsOf(survivor.Process.Pid), p => p.IsWorker);
                },
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            lock (started)
            {
                LinuxProcesses.KillLeftovers(started);
            }
        }
    }

    private static Node<AudioFrame, AudioFrame> NewNode() => (Node<AudioFrame, AudioFrame>)UserCode.Create(NodeCode.Value, "UserFailoverNodes.RunningSumRepeater", 0.001);
}
