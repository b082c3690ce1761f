using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Streams;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Samples.Tests.Processes;
using NAudio.Wave;
using Xunit.Abstractions;

namespace AkkaMedia.Samples.Tests;

/// <summary>
/// Runs the built GraphDsl sample as a child process, as <c>dotnet run --project samples/GraphDsl</c>
/// would, and checks its exit code, its report and the WAV file it writes against an echo computed here.
/// </summary>
public sealed class GraphDslSampleSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Sample = "GraphDsl";
    private const int Rate = 48000;
    private const int FrameSamples = 960;
    private const int DelaySamples = Rate / 4; // the sample's echo: 250 ms ...
    private const float Decay = 0.5f;          // ... at half the level

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public GraphDslSampleSpec(ITestOutputHelper output)
        : base(output: output)
    {
        Directory.CreateDirectory(_folder);
    }

    [Fact]
    public async Task GraphDsl_must_verify_the_echo_of_an_executor_node_it_starts_itself_and_exit_0()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--duration", "3"], _folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"echo runs on:\s+akka\.tcp://media@127\.0\.0\.1:\d+ \(in-process executor node", run.Stdout);

        // 3 s in 20 ms frames, each with one VAD decision; the echo adds one tail frame.
        Assert.Equal(150, Number(run.Stdout, @"frames in:\s+(\d+)"));
        Assert.Equal(151, Number(run.Stdout, @"frames echoed:\s+(\d+)"));
        Assert.Equal(150, Number(run.Stdout, @"(\d+) speech") + Number(run.Stdout, @"(\d+) silence"));
        Assert.Contains("graphdsl: OK", run.Stdout);
        Assert.DoesNotContain("[ERROR]", run.Stdout);
        await AssertEchoedAsync(Path.Combine(_folder, "graphdsl-output.wav"), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task GraphDsl_must_run_the_echo_on_an_akkamedia_node_given_as_seed()
    {
        await using var node = await AkkaMediaNode.StartAsync(_folder);
        var output = Path.Combine(_folder, "joined.wav");

        var run = await SampleProcess.RunAsync(Sample, ["--seeds", node.Seed, "--output", output, "--duration", "2"], _folder);

        Assert.True(run.ExitCode == 0, $"{run}\n{node}");
        Assert.Contains($"echo runs on:   {node.Address} (least-loaded of 1 executor(s)", run.Stdout);
        Assert.Equal(100, Number(run.Stdout, @"frames in:\s+(\d+)"));
        Assert.Contains("graphdsl: OK", run.Stdout);
        await AssertEchoedAsync(output, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task GraphDsl_must_exit_with_1_naming_the_seed_when_no_executor_answers()
    {
        var seed = $"127.0.0.1:{LoopbackPort.Free()}";

        var run = await SampleProcess.RunAsync(Sample, ["--seeds", seed, "--connect-timeout", "2"], _folder);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"No node with role 'executor' was up in the cluster at akka.tcp://media@{seed}", run.Stderr);
        Assert.DoesNotContain("graphdsl: OK", run.Stdout);
    }

    [Fact]
    public async Task GraphDsl_must_exit_with_1_naming_the_folder_when_the_output_cannot_be_written()
    {
        var missing = Path.Combine(_folder, "missing");

        var run = await SampleProcess.RunAsync(Sample, ["--output", Path.Combine(missing, "out.wav"), "--duration", "1"], _folder);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(missing, run.Stderr);
        Assert.DoesNotContain("graphdsl: OK", run.Stdout);
    }

    [Fact]
    public async Task GraphDsl_must_refuse_a_malformed_seed_before_starting_anything()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--seeds", "localhost"], _folder);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Seed 'localhost' is not valid", run.Stderr);
        Assert.DoesNotContain("echo runs on", run.Stdout);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static int Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:\n{text}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The file must be 48 kHz mono 16-bit and hold, sample for sample, the sample's input (regenerated
    /// here from the same deterministic source) plus one copy of it 250 ms later at half the level.
    /// </summary>
    private async Task AssertEchoedAsync(string path, TimeSpan duration)
    {
        var dry = await NodeFlow.CreateSource(() => new SpeechLikeSource(duration, Rate, FrameSamples))
            .RunAggregate(new List<float>(), static (all, frame) =>
            {
                all.AddRange(frame.Samples.ToArray());
                return all;
            }, Sys.Materializer());

        float[] wet;
        using (var reader = new WaveFileReader(path))
        {
            Assert.Equal(Rate, reader.WaveFormat.SampleRate);
            Assert.Equal(1, reader.WaveFormat.Channels);
            Assert.Equal(16, reader.WaveFormat.BitsPerSample);
            wet = new float[reader.SampleCount];
            Assert.Equal(wet.Length, reader.ToSampleProvider().Read(wet, 0, wet.Length));
        }

        Assert.Equal(dry.Count + DelaySamples, wet.Length);
        var worst = 0.0;
        var echoEnergy = 0.0;
        for (var n = 0; n < wet.Length; n++)
        {
            var direct = n < dry.Count ? dry[n] : 0f;
            var echo = n >= DelaySamples ? Decay * dry[n - DelaySamples] : 0f;
            worst = Math.Max(worst, Math.Abs(wet[n] - (direct + echo)));
            echoEnergy += echo * echo;
        }

        // 16-bit PCM: half a step of rounding plus the 32767/32768 scale difference at these levels.
        Assert.True(worst <= 2.0 / 32768, $"largest difference from input + echo: {worst} (allowed {2.0 / 32768})");
        Assert.True(echoEnergy > 1, $"the echo carries almost no energy ({echoEnergy}): the check would prove nothing");
    }
}
