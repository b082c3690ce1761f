using AkkaMedia.Samples.Tests.Processes;
using static AkkaMedia.Samples.Tests.Processes.SampleOutput;

namespace AkkaMedia.Samples.Tests;

/// <summary>
/// Runs the built RemoteCalculator sample as a child process, as <c>dotnet run --project samples/RemoteCalculator</c>
/// would: against an executor it starts in-process, and against a real <c>akkamedia node</c>.
/// </summary>
[Collection(ExecutorNodeCollection.Name)]
public sealed class RemoteCalculatorSampleSpec(ExecutorNodeFixture executor) : IDisposable
{
    private const string Sample = "RemoteCalculator";

    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public async Task RemoteCalculator_must_add_then_multiply_on_an_in_process_executor_and_list_both_calls()
    {
        var run = await SampleProcess.RunAsync(Sample, [], _folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("in-process executor at akka.tcp://media@127.0.0.1:", Line(run.Stdout, "mode"));
        Assert.Equal(["Calculator.dll"], ShippedFiles(run.Stdout));
        Assert.Equal("5", Line(run.Stdout, "add(5)"));
        Assert.Equal("10", Line(run.Stdout, "multiply(2)"));
        Assert.Equal("add 5 = 5; multiply 2 = 10", Line(run.Stdout, "history"));
        Assert.Equal("SimpleCalculator, value 10, history: add 5 = 5; multiply 2 = 10", Line(run.Stdout, "state copy"));
        Assert.StartsWith("value 0, 0 steps", Line(run.Stdout, "local object"));

        // In one process the sample's Calculator.dll is in the default context; the executor must still run its own copy.
        Assert.Matches(@"^Calculator 0\.1\.0\.0 from the shipped bytes into collectible context 'akka-media-session-[^']+'$", Line(run.Stdout, "loaded there"));
        Assert.Contains("calculator: OK", run.Stdout);
        Assert.DoesNotContain("[ERROR]", run.Stdout);
    }

    [Fact]
    public async Task RemoteCalculator_must_run_on_an_akkamedia_node_whose_folder_lacks_the_calculator()
    {
        const double addend = 7, factor = 3;

        var run = await SampleProcess.RunAsync(Sample, ["--seeds", executor.Node.Seed, "--add", "7", "--multiply", "3"], _folder);

        Assert.True(run.ExitCode == 0, $"{run}\n{executor.Node}");
        Assert.StartsWith($"cluster executor at {executor.Node.Address}, another process", Line(run.Stdout, "mode"));
        AssertShippedAndAbsentFrom(run.Stdout, AkkaMediaNode.Folder, "Calculator.dll");
        Assert.Equal($"{addend}", Line(run.Stdout, "add(7)"));
        Assert.Equal($"{addend * factor}", Line(run.Stdout, "multiply(3)"));
        Assert.Equal($"add 7 = {addend}; multiply 3 = {addend * factor}", Line(run.Stdout, "history"));
        Assert.Contains("calculator: OK", run.Stdout);
    }

    [Fact]
    public async Task RemoteCalculator_must_refuse_a_malformed_seed_before_starting_anything()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--seeds", "localhost"], _folder);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Seed 'localhost' is not valid", run.Stderr);
        Assert.DoesNotContain("mode:", run.Stdout);
    }

    [Fact]
    public async Task RemoteCalculator_must_exit_with_1_naming_the_seed_when_no_executor_answers()
    {
        var seed = $"127.0.0.1:{LoopbackPort.Free()}";

        var run = await SampleProcess.RunAsync(Sample, ["--seeds", seed, "--connect-timeout", "2"], _folder);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"calculator: FAILED: TimeoutException: No node with role 'executor' was up in the cluster at akka.tcp://media@{seed}", run.Stderr);
        Assert.DoesNotContain("calculator: OK", run.Stdout);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
