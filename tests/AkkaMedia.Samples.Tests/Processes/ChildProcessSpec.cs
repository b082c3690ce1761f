namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>The process helpers every sample spec relies on: output is captured and nothing outlives a spec.</summary>
public sealed class ChildProcessSpec : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public ChildProcessSpec() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task ChildProcess_must_kill_a_process_that_outlives_its_timeout_and_report_its_output()
    {
        // A minute of audio paced to real time: far longer than the timeout.
        await using var sample = SampleProcess.Start("GraphDsl", ["--realtime", "--duration", "60"], _folder);
        await sample.WaitForLineAsync(line => line.StartsWith("echo runs on:", StringComparison.Ordinal), SampleProcess.DefaultTimeout);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => sample.WaitForExitAsync(TimeSpan.FromSeconds(1)));

        Assert.True(sample.HasExited);
        Assert.Contains("was killed", error.Message);
        Assert.Contains("echo runs on:", error.Message);
    }

    [Fact]
    public async Task ChildProcess_must_fail_a_wait_for_a_line_when_the_process_exits_without_printing_it()
    {
        await using var sample = SampleProcess.Start("GraphDsl", ["--seeds", "not-a-seed"], _folder);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => sample.WaitForLineAsync(line => line.StartsWith("graphdsl: OK", StringComparison.Ordinal), SampleProcess.DefaultTimeout));

        Assert.Contains("exited before printing the expected line", error.Message);
        Assert.Equal(1, await sample.WaitForExitAsync(SampleProcess.DefaultTimeout));
        Assert.Contains("Seed 'not-a-seed' is not valid", sample.Stderr);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
