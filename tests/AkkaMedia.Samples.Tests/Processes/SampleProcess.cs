namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>
/// Runs a sample the way a user does (<c>dotnet run --project samples/NAME -- ARGS</c>, without the
/// build step): its built entry assembly as a child process, in a working directory chosen by the spec.
/// </summary>
/// <remarks>
/// To cover a new sample, add it as a project reference of this project (with
/// <c>ReferenceOutputAssembly="false"</c> unless a spec uses its types) so that building the specs
/// builds it, then call <see cref="RunAsync"/> with its folder name.
/// </remarks>
internal static class SampleProcess
{
    /// <summary>How long a sample run may take before it is killed and the spec fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Runs <c>samples/<paramref name="sample"/></c> with <paramref name="args"/> to its end and returns its
    /// exit code and output. The process is killed if it outlives <paramref name="timeout"/>
    /// (default <see cref="DefaultTimeout"/>), and in any case before this returns or throws.
    /// </summary>
    /// <exception cref="TimeoutException">It did not exit in time; the message holds its output.</exception>
    public static async Task<ProcessRun> RunAsync(string sample, IEnumerable<string> args, string workingDirectory, TimeSpan? timeout = null)
    {
        await using var process = Start(sample, args, workingDirectory);
        var exitCode = await process.WaitForExitAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
        return new ProcessRun(exitCode, process.Stdout, process.Stderr, process.Description);
    }

    /// <summary>
    /// Starts <c>samples/<paramref name="sample"/></c> with <paramref name="args"/> for a spec that talks to it
    /// while it runs (a server sample, for instance); the caller disposes it, which kills it.
    /// </summary>
    public static ChildProcess Start(string sample, IEnumerable<string> args, string workingDirectory) =>
        ChildProcess.StartDll(BuildOutput.Sample(sample), args, workingDirectory);
}
