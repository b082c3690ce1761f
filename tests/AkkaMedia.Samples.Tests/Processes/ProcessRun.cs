namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>How a child process ended: its exit code and everything it printed.</summary>
internal sealed record ProcessRun(int ExitCode, string Stdout, string Stderr, string Description)
{
    /// <summary>The command line, exit code and output, for assertion messages.</summary>
    public override string ToString() => $"--- {Description} exited with {ExitCode}\n--- stdout:\n{Stdout}--- stderr:\n{Stderr}---";
}
