using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests;

/// <summary>Streams through executor processes: from an in-test client and from <c>akkamedia run</c>, over both transports.</summary>
public sealed class RemoteStreamSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<TwoExecutors>
{
    private readonly ExecutorCluster _cluster;

    public RemoteStreamSpec(TwoExecutors fixture, ITestOutputHelper output)
        : base(output: output)
    {
        _cluster = fixture.Cluster;
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Stream_must_pass_through_a_node_on_an_executor_process_and_come_back_in_order(RemoteTransport transport)
    {
        var frames = TestAudio.Frames(100);

        var results = await Source.From(frames)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 0.25", new RemoteStageOptions { Transport = transport }))
            .RunWith(Sink.Seq<AudioFrame>(), _cluster.Materializer)
            .WaitAsync(ExecutorCluster.Patience);

        Assert.Equal(frames.Select(f => f.Sequence), results.Select(f => f.Sequence));
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal(frames[i].Samples.ToArray().Select(s => s * 0.25f), results[i].Samples.ToArray());
        }

        await AwaitSessionsDrainedAsync();
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Run_must_write_the_echo_of_a_wav_file_computed_on_an_executor(RemoteTransport transport)
    {
        var input = Path.Combine(_cluster.Folder, $"in-{transport}.wav");
        var output = Path.Combine(_cluster.Folder, $"out-{transport}.wav");
        TestAudio.WriteWav(input, seconds: 1);

        await using var run = HostProcess.Start(
            ["run", TestPaths.Hocon("pipelines/echo.conf"), "--seeds", _cluster.Seed, "--input", input, "--output", output, "--transport", transport.ToString()]);
        var exitCode = await run.WaitForExitAsync(ExecutorCluster.Patience + ExecutorCluster.Patience);

        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{run.Transcript}");
        Assert.Contains("Echo (remote)", run.Transcript);
        Assert.Contains("run: done:", run.Transcript);

        // echo.conf: Gain 0.8, then Echo 250 ms with decay 0.5: y[n] = 0.8 x[n] + 0.5 × 0.8 x[n − 12000], plus the tail.
        var (x, _) = TestAudio.ReadWav(input);
        var (y, format) = TestAudio.ReadWav(output);
        Assert.Equal((TestAudio.SampleRate, 16, 1), (format.SampleRate, format.BitsPerSample, format.Channels));
        const int delay = 12000;
        Assert.Equal(x.Length + delay, y.Length);
        var worst = Enumerable.Range(0, y.Length)
            .Select(n => (n, Error: Math.Abs(y[n] - (Dry(n) + (0.5f * Dry(n - delay))))))
            .MaxBy(p => p.Error);
        Assert.True(worst.Error < 1e-4, $"sample {worst.n} is off by {worst.Error} (16-bit output: within 3 LSB expected){Environment.NewLine}{run.Transcript}");
        await AwaitSessionsDrainedAsync();

        float Dry(int n) => n >= 0 && n < x.Length ? 0.8f * x[n] : 0f;
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs)]
    [InlineData(RemoteTransport.MediaLink)]
    public async Task Two_executors_must_share_ten_concurrent_sessions(RemoteTransport transport)
    {
        var frames = TestAudio.Frames(5);
        var streams = Enumerable.Range(0, 10)
            .Select(_ => Source.From(frames)
                .Concat(Source.Never<AudioFrame>())
                .ViaMaterialized(KillSwitches.Single<AudioFrame>(), Keep.Right)
                .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 2", new RemoteStageOptions { Transport = transport }))
                .ToMaterialized(Sink.Seq<AudioFrame>(), Keep.Both)
                .Run(_cluster.Materializer))
            .ToList();
        try
        {
            await AwaitAssertAsync(
                async () =>
                {
                    var sessions = await _cluster.ActiveSessionsAsync();
                    Assert.Equal(10, sessions.Values.Sum());
                    Assert.All(sessions, s => Assert.True(s.Value > 0, $"executor {s.Key} got no session of 10: {string.Join(", ", sessions)}"));
                },
                ExecutorCluster.Patience,
                TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            foreach (var (killSwitch, _) in streams)
            {
                killSwitch.Shutdown();
            }
        }

        foreach (var (_, done) in streams)
        {
            var results = await done.WaitAsync(ExecutorCluster.Patience);
            Assert.Equal(frames.Select(f => f.Samples.ToArray().Select(s => s * 2f)), results.Select(f => f.Samples.ToArray()));
        }

        await AwaitSessionsDrainedAsync();
    }

    private Task AwaitSessionsDrainedAsync() =>
        AwaitAssertAsync(
            async () => Assert.All(await _cluster.ActiveSessionsAsync(), s => Assert.Equal(0, s.Value)),
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));
}
