using System.Globalization;
using AkkaMedia.Samples.Tests.Processes;
using static AkkaMedia.Samples.Tests.Processes.SampleOutput;

namespace AkkaMedia.Samples.Tests;

/// <summary>
/// Runs the built DataProcessor sample as a child process, as <c>dotnet run --project samples/DataProcessor</c>
/// would: against an executor it starts in-process, and against a real <c>akkamedia node</c>.
/// </summary>
[Collection(ExecutorNodeCollection.Name)]
public sealed class DataProcessorSampleSpec(ExecutorNodeFixture executor) : IDisposable
{
    private const string Sample = "DataProcessor";

    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public async Task DataProcessor_must_grow_its_count_call_by_call_on_an_in_process_executor_and_bring_its_state_back()
    {
        var run = await SampleProcess.RunAsync(Sample, [], _folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("in-process executor at", Line(run.Stdout, "mode"));
        Assert.Equal(["DataProcessing.dll"], ShippedFiles(run.Stdout));
        AssertCountsGrow(run.Stdout, batches: 4, batchSize: 1000);
        Assert.Matches(@"^DataProcessing 0\.1\.0\.0 from the shipped bytes into collectible context 'akka-media-session-[^']+'$", Line(run.Stdout, "loaded there"));
        Assert.Contains("dataprocessor: OK", run.Stdout);
        Assert.DoesNotContain("[ERROR]", run.Stdout);
    }

    [Fact]
    public async Task DataProcessor_must_run_on_an_akkamedia_node_whose_folder_lacks_the_processor()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--seeds", executor.Node.Seed, "--batches", "3", "--batch-size", "250"], _folder);

        Assert.True(run.ExitCode == 0, $"{run}\n{executor.Node}");
        Assert.StartsWith($"cluster executor at {executor.Node.Address}", Line(run.Stdout, "mode"));
        AssertShippedAndAbsentFrom(run.Stdout, AkkaMediaNode.Folder, "DataProcessing.dll");
        AssertCountsGrow(run.Stdout, batches: 3, batchSize: 250);
        Assert.Contains("dataprocessor: OK", run.Stdout);
    }

    [Fact]
    public async Task DataProcessor_must_refuse_a_batch_too_large_for_one_call()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--batch-size", "20000"], _folder);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--batch-size must be between 1 and 10000", run.Stderr);
        Assert.DoesNotContain("mode:", run.Stdout);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Each batch's reply, the remote count and the state copy must show the count grown by one batch per call,
    /// and the copy's statistics must be those the sample computed from the readings it sent.
    /// </summary>
    private static void AssertCountsGrow(string stdout, int batches, int batchSize)
    {
        for (var batch = 1; batch <= batches; batch++)
        {
            var reply = Line(stdout, $"batch {batch}");
            Assert.Equal(batchSize, Number(reply, @"^(\d+) readings"));
            Assert.Equal(batch * batchSize, Number(reply, @"processed count (\d+)"));
            Assert.Contains(batch % 2 == 1 ? "via Process " : "via ProcessAsync ", reply);
        }

        var total = (batches * batchSize).ToString(CultureInfo.InvariantCulture);
        Assert.Equal($"{total} (ProcessedCount, read remotely)", Line(stdout, "processed"));
        var copy = Line(stdout, "state copy");
        Assert.StartsWith($"{total} readings in {batches} batches, ", copy);
        Assert.Equal(Line(stdout, "computed here"), copy.Replace($" in {batches} batches", string.Empty, StringComparison.Ordinal));
        Assert.StartsWith("processed count 0 ", Line(stdout, "local object"));
    }
}
