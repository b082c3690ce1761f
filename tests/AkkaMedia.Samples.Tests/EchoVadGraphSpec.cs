using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Samples;
using Xunit.Abstractions;

namespace AkkaMedia.Samples.Tests;

/// <summary>The sample's fan-out/fan-in and its echo check, with a local echo in place of the remote one.</summary>
public sealed class EchoVadGraphSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int Rate = 48000;
    private const int FrameSamples = 960;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(250);

    private readonly IMaterializer _materializer;

    public EchoVadGraphSpec(ITestOutputHelper output)
        : base(output: output)
    {
        _materializer = Sys.Materializer();
    }

    [Fact]
    public async Task EchoVadGraph_must_pair_every_frame_with_its_decision_and_let_the_echo_tail_through()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var check = await RunAsync(NodeFlow.Create(() => new EchoNode(Delay, 0.5f)));

            // 2 s of 20 ms frames, one decision each; the echo adds a 250 ms tail frame.
            Assert.Equal(100, check.FramesIn);
            Assert.Equal(101, check.EchoedFrames);
            Assert.Equal(1, check.TailFrames);
            Assert.Equal(Rate / 4, check.TailSamples);
            Assert.Equal(100, check.SpeechFrames + check.SilenceFrames);
            Assert.True(check.SpeechFrames > 0 && check.SilenceFrames > 0, $"{check.SpeechFrames} speech, {check.SilenceFrames} silence");
            Assert.InRange(check.EstimatedDecay, 0.499, 0.501);
            Assert.Empty(check.Problems(expectedFrames: 100, expectedDecay: 0.5));
        }, _materializer);
    }

    [Fact]
    public async Task EchoCheck_must_report_a_missing_echo()
    {
        var check = await RunAsync(Flow.Create<AudioFrame>());

        var problems = check.Problems(expectedFrames: 100, expectedDecay: 0.5);
        Assert.Contains(problems, p => p.Contains("1 tail frame", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("No echo of gain 0.5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EchoCheck_must_report_an_echo_at_another_delay_or_gain()
    {
        var late = await RunAsync(NodeFlow.Create(() => new EchoNode(TimeSpan.FromMilliseconds(300), 0.5f)));
        var weak = await RunAsync(NodeFlow.Create(() => new EchoNode(Delay, 0.25f)));

        Assert.Contains(late.Problems(100, 0.5), p => p.StartsWith("No echo", StringComparison.Ordinal));
        Assert.Contains(weak.Problems(100, 0.5), p => p.StartsWith("No echo", StringComparison.Ordinal));
        Assert.InRange(weak.EstimatedDecay, 0.249, 0.251);
    }

    [Fact]
    public async Task EchoVadGraph_must_fail_the_stream_when_a_branch_loses_a_frame()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var lossy = NodeFlow.Create(() => new EchoNode(Delay, 0.5f)).Where(static f => f.Sequence != 3);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(lossy));

            Assert.Contains("lost step: echoed frame #4 met dry frame #3", error.Message);
        }, _materializer);
    }

    private Task<EchoCheck> RunAsync(Flow<AudioFrame, AudioFrame, NotUsed> echo) =>
        NodeFlow.CreateSource(() => new SpeechLikeSource(Duration, Rate, FrameSamples))
            .Via(EchoVadGraph.Create(echo, NodeFlow.Create(() => new VadNode())))
            .RunAggregate(new EchoCheck(Rate / 4), static (check, frame) => check.Add(frame), _materializer);
}
