using Akka.Streams;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Samples.Tests.Processes;
using NAudio.Wave;
using Xunit.Abstractions;
using static AkkaMedia.Samples.Tests.Processes.SampleOutput;

namespace AkkaMedia.Samples.Tests;

/// <summary>
/// Runs the built RemoteAudioEcho sample as a child process, as <c>dotnet run --project samples/RemoteAudioEcho</c>
/// would, and checks the WAV file it writes against a feedback echo computed here from its input.
/// </summary>
[Collection(ExecutorNodeCollection.Name)]
public sealed class RemoteAudioEchoSampleSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Sample = "RemoteAudioEcho";

    private readonly ExecutorNodeFixture _executor;
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"))).FullName;

    public RemoteAudioEchoSampleSpec(ExecutorNodeFixture executor, ITestOutputHelper output)
        : base(output: output)
    {
        _executor = executor;
    }

    [Fact]
    public async Task RemoteAudioEcho_must_echo_generated_audio_on_an_in_process_executor()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--duration", "2"], _folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("in-process executor at", Line(run.Stdout, "mode"));
        Assert.Equal(["EchoEffects.dll"], ShippedFiles(run.Stdout));
        Assert.Matches(@"^EchoEffects 0\.1\.0\.0 from the shipped bytes into collectible context 'akka-media-session-[^']+'$", Line(run.Stdout, "loaded there"));
        Assert.Contains("remoteaudioecho: OK", run.Stdout);
        Assert.DoesNotContain("[ERROR]", run.Stdout);

        // The sample's defaults: 300 ms between repeats, each at half the level of the one before, 1.5 s of tail.
        var dry = await NodeFlow.CreateSource(() => new SpeechLikeSource(TimeSpan.FromSeconds(2), 48000, 960))
            .RunAggregate(new List<float>(), static (all, frame) =>
            {
                all.AddRange(frame.Samples.ToArray());
                return all;
            }, Sys.Materializer());
        AssertEchoed(Path.Combine(_folder, "echo-output.wav"), [.. dry], 48000, 1, delaySamples: 14400, feedback: 0.5f, tailSamples: 72000);
    }

    [Fact]
    public async Task RemoteAudioEcho_must_echo_a_stereo_wav_file_on_an_akkamedia_node_whose_folder_lacks_the_effect()
    {
        // 1 s of stereo at 44.1 kHz: a tone in bursts on the left, a steady lower tone on the right.
        const int rate = 44100;
        var input = Path.Combine(_folder, "stereo.wav");
        var dry = new float[rate * 2];
        for (var n = 0; n < rate; n++)
        {
            dry[2 * n] = (n / 4410 % 2 == 0) ? 0.4f * MathF.Sin(2 * MathF.PI * 330 * n / rate) : 0f;
            dry[(2 * n) + 1] = 0.3f * MathF.Sin(2 * MathF.PI * 500 * n / rate);
        }

        using (var writer = new WaveFileWriter(input, WaveFormat.CreateIeeeFloatWaveFormat(rate, 2)))
        {
            writer.WriteSamples(dry, 0, dry.Length);
        }

        var output = Path.Combine(_folder, "stereo-echo.wav");

        var run = await SampleProcess.RunAsync(
            Sample, ["--seeds", _executor.Node.Seed, "--input", input, "--output", output, "--delay", "100", "--feedback", "0.6", "--tail", "400"], _folder);

        Assert.True(run.ExitCode == 0, $"{run}\n{_executor.Node}");
        Assert.StartsWith($"cluster executor at {_executor.Node.Address}", Line(run.Stdout, "mode"));
        AssertShippedAndAbsentFrom(run.Stdout, AkkaMediaNode.Folder, "EchoEffects.dll");
        Assert.Contains("remoteaudioecho: OK", run.Stdout);
        AssertEchoed(output, dry, rate, 2, delaySamples: 4410, feedback: 0.6f, tailSamples: 17640);
    }

    [Fact]
    public async Task RemoteAudioEcho_must_refuse_a_feedback_that_would_never_die_away()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--feedback", "1.5"], _folder);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--feedback must be between 0 and 0.95", run.Stderr);
        Assert.DoesNotContain("mode:", run.Stdout);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>
    /// The file must be 32-bit float at the input's rate and channel count and hold, per channel, the input plus
    /// every repeat: <c>y[n] = x[n] + feedback × y[n − delay]</c>, computed here, for the input and the tail.
    /// </summary>
    private static void AssertEchoed(string path, float[] dry, int rate, int channels, int delaySamples, float feedback, int tailSamples)
    {
        float[] wet;
        using (var reader = new WaveFileReader(path))
        {
            Assert.Equal(WaveFormatEncoding.IeeeFloat, reader.WaveFormat.Encoding);
            Assert.Equal(rate, reader.WaveFormat.SampleRate);
            Assert.Equal(channels, reader.WaveFormat.Channels);
            wet = new float[reader.SampleCount * channels];
            Assert.Equal(wet.Length, reader.ToSampleProvider().Read(wet, 0, wet.Length));
        }

        Assert.Equal(dry.Length + (tailSamples * channels), wet.Length);
        var expected = new float[wet.Length];
        var worst = 0.0;
        var repeats = 0.0;
        for (var n = 0; n < expected.Length; n++)
        {
            var x = n < dry.Length ? dry[n] : 0f;
            var earlier = n >= delaySamples * channels ? expected[n - (delaySamples * channels)] : 0f;
            expected[n] = x + (feedback * earlier);
            worst = Math.Max(worst, Math.Abs(wet[n] - expected[n]));
            repeats += (double)earlier * earlier;
        }

        Assert.True(worst <= 1e-6, $"largest difference from the echo computed here: {worst}");
        Assert.True(repeats > 1, $"the repeats carry almost no energy ({repeats}): the check would prove nothing");
    }
}
