namespace AkkaMedia.Cluster.Tests.Packaging;

/// <summary>
/// The <c>dotnet</c> command as a user runs it in a shell, for the packaging specs. MSBuild worker nodes and the
/// compiler server are off, so no process outlives the command it served.
/// </summary>
internal static class DotnetCommand
{
    /// <summary>Environment of every command: no build servers, no telemetry or first-run banners.</summary>
    public static IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "false",
        ["UseSharedCompilation"] = "false",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    };

    /// <summary>
    /// Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/> and returns its transcript. Fails, with the
    /// transcript, when it exits with another code than 0 or runs past <paramref name="timeout"/> (it is killed then).
    /// </summary>
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        await using var process = HostProcess.StartCommand("dotnet", args, workingDirectory, Environment);
        var exitCode = await process.WaitForExitAsync(timeout);
        Assert.True(exitCode == 0, $"`dotnet {string.Join(' ', args)}` exited with {exitCode}.{System.Environment.NewLine}{process.Transcript}");
        return process.Transcript;
    }
}
