using System.Diagnostics;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// deploy/entrypoint.sh run with <c>AKKAMEDIA_EXEC</c> set to <c>printf %s\n</c>: instead of starting the host it prints
/// the arguments it would start it with, one a line. The process gets this process's environment without any
/// <c>AKKAMEDIA_*</c> variable, plus the ones given.
/// </summary>
internal sealed record EntrypointRun(int ExitCode, IReadOnlyList<string> Arguments, string StandardError)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The value of <paramref name="flag"/> on the command line; null when it is not there.</summary>
    public string? ValueOf(string flag)
    {
        var at = Arguments.ToList().IndexOf(flag);
        return at >= 0 && at + 1 < Arguments.Count ? Arguments[at + 1] : null;
    }

    /// <summary>Runs the entrypoint with <paramref name="variables"/> and <paramref name="args"/> (the container's arguments).</summary>
    public static async Task<EntrypointRun> StartAsync(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        var start = new ProcessStartInfo(DeployFiles.Entrypoint)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AKKAMEDIA_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        start.Environment["AKKAMEDIA_EXEC"] = @"printf %s\n";
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{DeployFiles.Entrypoint} did not start.");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(Patience);
            var lines = (await stdout).Split('\n');
            return new EntrypointRun(process.ExitCode, lines[..^1], await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"exit code {ExitCode}; arguments [{string.Join(", ", Arguments)}]; standard error: {StandardError}";
}
