using System.CommandLine;
using System.Globalization;
using AkkaMedia.Deployment;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Common;
using DataProcessing;

namespace AkkaMedia.Samples.DataProcessor;

/// <summary>
/// The DataProcessor sample: a <see cref="RunningStatistics"/> processor (the user's class, in
/// DataProcessing.dll) is deployed to an executor that has never seen it and fed batches of readings there,
/// alternately through a synchronous and a <see cref="Task"/>-returning call; its processed count grows from
/// call to call, and <see cref="RemoteObject{TInterface}.GetStateAsync"/> brings back a copy of the whole
/// object. Exit code 0 only when every count and the copy's statistics match what this program computes
/// itself from the same readings, and the local processor was never touched.
/// </summary>
internal static class DataProcessorSample
{
    private const string Name = "dataprocessor";
    private const int MaxBatchSize = 10_000; // 80 kB of doubles: one call carries at most 100,000 bytes

    /// <summary>Parses <paramref name="args"/>, runs the sample and returns the process exit code (0 ok, 1 failed or bad arguments).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var batches = new Option<int>("--batches") { Description = "How many batches to send, one call each.", DefaultValueFactory = _ => 4 };
        batches.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--batches must be between 1 and 1000, e.g. --batches 4.");
            }
        });
        var batchSize = new Option<int>("--batch-size") { Description = "Readings per batch.", DefaultValueFactory = _ => 1000 };
        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MaxBatchSize)
            {
                result.AddError($"--batch-size must be between 1 and {MaxBatchSize} (one call carries at most 100,000 bytes), e.g. --batch-size 1000.");
            }
        });

        return new SampleCommand(Name, "DataProcessor sample: ship a statistics processor to an executor, feed it batches there, bring back its state.")
            .Add(batches)
            .Add(batchSize)
            .RunAsync(args, stdout, stderr, run => RunAsync(run, run.Get(batches), run.Get(batchSize)), cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> RunAsync(SampleRun run, int batchCount, int batchSize)
    {
        var c = CultureInfo.InvariantCulture;
        await run.WriteHeadlineAsync(string.Create(c,
            $"{nameof(RunningStatistics)} (via {nameof(IDataProcessor)}) deployed to the executor, then fed {batchCount} batch(es) of {batchSize} readings there"));

        var package = DependencyAnalyzer.Analyze(typeof(RunningStatistics).Assembly);
        await run.WritePackageAsync(package);

        var local = new RunningStatistics();
        await using var remote = await RemoteObject.DeployAsync<IDataProcessor>(
            run.Connection.Client, local, new RemoteObjectOptions { Executor = run.Connection.ExecutorAddress }, run.CancellationToken);
        await run.WriteAsync("session", $"{remote.SessionId} on {remote.ExecutorAddress}");

        var problems = new List<string>();
        var random = new Random(2024);
        var sent = new List<double>();
        for (var batch = 1; batch <= batchCount; batch++)
        {
            var readings = Readings(random, batchSize);
            sent.AddRange(readings);
            var synchronous = batch % 2 == 1;
            var report = synchronous ? remote.Proxy.Process(readings) : await remote.Proxy.ProcessAsync(readings);
            await run.WriteAsync(string.Create(c, $"batch {batch}"), string.Create(c,
                $"{report.Readings} readings via {(synchronous ? "Process" : "ProcessAsync")} → processed count {report.ProcessedCount}, mean {report.Mean:0.0000}"));
            if (report.Batch != batch || report.Readings != readings.Length || report.ProcessedCount != sent.Count)
            {
                problems.Add(string.Create(c,
                    $"Batch {batch} of {readings.Length} readings should leave {sent.Count} processed, but the processor reports batch {report.Batch}, {report.Readings} readings, {report.ProcessedCount} processed."));
            }
        }

        var count = remote.Proxy.ProcessedCount;
        await run.WriteAsync("processed", string.Create(c, $"{count} (ProcessedCount, read remotely)"));
        if (count != sent.Count)
        {
            problems.Add(string.Create(c, $"ProcessedCount should be {sent.Count}, but is {count}."));
        }

        var state = await remote.GetStateAsync(run.CancellationToken);
        var copy = state as RunningStatistics;
        await run.WriteAsync("state copy", copy is null
            ? $"a {state.GetType().FullName}"
            : string.Create(c, $"{copy.ProcessedCount} readings in {copy.Batches} batches, mean {copy.Mean:0.0000}, std dev {copy.StandardDeviation:0.0000}, min {copy.Minimum:0.0000}, max {copy.Maximum:0.0000}"));

        // The same statistics, computed here directly from every reading sent.
        var mean = sent.Average();
        var deviation = Math.Sqrt(sent.Sum(x => (x - mean) * (x - mean)) / sent.Count);
        await run.WriteAsync("computed here", string.Create(c,
            $"{sent.Count} readings, mean {mean:0.0000}, std dev {deviation:0.0000}, min {sent.Min():0.0000}, max {sent.Max():0.0000}"));
        if (copy is null || ReferenceEquals(copy, local) || copy.ProcessedCount != sent.Count || copy.Batches != batchCount
            || !Close(copy.Mean, mean) || !Close(copy.StandardDeviation, deviation) || copy.Minimum != sent.Min() || copy.Maximum != sent.Max())
        {
            problems.Add("The state copy's statistics do not match those computed here from the readings sent.");
        }

        await run.WriteAsync("local object", string.Create(c, $"processed count {local.ProcessedCount} (untouched: the batches were processed on the executor)"));
        if (local.ProcessedCount != 0 || local.Batches != 0)
        {
            problems.Add("The local processor changed: the batches were processed here, not on the executor.");
        }

        problems.AddRange(await run.CheckLoadedFromPackageAsync(package));
        return problems;
    }

    /// <summary>Temperature-like readings: 21 °C give or take a few degrees, reproducible from the seed.</summary>
    private static double[] Readings(Random random, int count)
    {
        var readings = new double[count];
        for (var i = 0; i < count; i++)
        {
            readings[i] = 21 + (4 * (random.NextDouble() - 0.5)) + (2 * (random.NextDouble() - 0.5));
        }

        return readings;
    }

    private static bool Close(double actual, double expected) => Math.Abs(actual - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected));
}
