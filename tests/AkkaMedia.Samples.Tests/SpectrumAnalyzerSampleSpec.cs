using AkkaMedia.Samples.Tests.Processes;
using static AkkaMedia.Samples.Tests.Processes.SampleOutput;

namespace AkkaMedia.Samples.Tests;

/// <summary>
/// Runs the built SpectrumAnalyzer sample as a child process: a user's FFT node built on MathNet.Numerics (a library
/// the strict in-process reference check refuses) streams on executors that run shipped code in sandboxed worker
/// processes, and an ordinary executor refuses it, saying how to admit it.
/// </summary>
[Collection(ExecutorNodeCollection.Name)]
public sealed class SpectrumAnalyzerSampleSpec(ExecutorNodeFixture executor) : IDisposable
{
    private const string Sample = "SpectrumAnalyzer";
    private static readonly string[] Package = ["SpectrumNodes.dll", "MathNet.Numerics.dll"];

    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public async Task SpectrumAnalyzer_must_stream_its_MathNet_node_in_a_worker_process_of_its_own_executor()
    {
        var run = await SampleProcess.RunAsync(Sample, [], _folder, TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("in-process executor at", Line(run.Stdout, "mode"));
        Assert.Equal(Package.Order(), ShippedFiles(run.Stdout).Order());
        AssertHeard(run.Stdout);

        // The executor shares the sample's process, but the code never loaded there: a worker process ran it.
        Assert.StartsWith("not in this process: by a worker process", Line(run.Stdout, "loaded there"));
        Assert.Contains("spectrumanalyzer: OK", run.Stdout);
    }

    [Fact]
    public async Task SpectrumAnalyzer_must_run_on_an_akkamedia_node_started_with_isolation_process()
    {
        var config = Path.Combine(_folder, "node.conf");
        await File.WriteAllTextAsync(config, $"akka-media.executor.packages.folder = \"{Path.Combine(_folder, "packages").Replace("\\", "/", StringComparison.Ordinal)}\"\n");
        await using var node = await AkkaMediaNode.StartAsync(_folder, ["--config", config, "--isolation", "process"]);

        var run = await SampleProcess.RunAsync(Sample, ["--seeds", node.Seed], _folder, TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, $"{run}\n{node}");
        Assert.StartsWith($"cluster executor at {node.Address}", Line(run.Stdout, "mode"));
        AssertShippedAndAbsentFrom(run.Stdout, AkkaMediaNode.Folder, Package);
        AssertHeard(run.Stdout);
        Assert.Contains("spectrumanalyzer: OK", run.Stdout);
    }

    [Fact]
    public async Task SpectrumAnalyzer_must_be_refused_by_an_in_process_node_naming_the_rules_and_the_way_out()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--seeds", executor.Node.Seed], _folder);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("System.Environment::GetEnvironmentVariable", run.Stderr);
        Assert.Contains("System.Reflection.Assembly::Load", run.Stderr);
        Assert.Contains("--isolation process", run.Stderr);
        Assert.DoesNotContain("spectrumanalyzer: OK", run.Stdout);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Four tones of eight frames each; every frame's peak must be heard within 2 Hz of its tone.</summary>
    private static void AssertHeard(string stdout)
    {
        var heard = Lines(stdout, "heard");
        double[] tones = [440.0, 1234.5, 2500.0, 7777.7];
        Assert.Equal(tones.Length, heard.Count);
        for (var i = 0; i < tones.Length; i++)
        {
            Assert.EndsWith(" over 8 frames", heard[i]);
            Assert.InRange(Number(heard[i], @"peaks (\d+\.\d)–"), tones[i] - 2, tones[i] + 2);
            Assert.InRange(Number(heard[i], @"–(\d+\.\d) Hz"), tones[i] - 2, tones[i] + 2);
        }
    }
}
