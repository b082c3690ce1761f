using AkkaMedia.Host.Commands;

namespace AkkaMedia.Host.Tests;

/// <summary>Runs the <c>akkamedia</c> command line in this process with captured output.</summary>
internal static class HostInvocation
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await HostCommandLine.InvokeAsync(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
