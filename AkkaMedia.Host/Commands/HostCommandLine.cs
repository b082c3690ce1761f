using System.CommandLine;
using System.CommandLine.Invocation;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// The <c>akkamedia</c> command line: its commands and the exit-code contract shared by all of them.
/// Exit code 2 means the arguments were wrong (unknown command or option, missing argument, a value
/// out of range); the error goes to standard error. Otherwise the command's own exit code is returned.
/// </summary>
internal static class HostCommandLine
{
    /// <summary>Exit code for arguments or configuration that cannot be used.</summary>
    public const int BadArguments = 2;

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Create() => new("akkamedia: real-time media pipelines on Akka.NET.")
    {
        CertCommand.Create(),
        CmdCommand.Create(),
        DemoCommand.Create(),
        KeyCommand.Create(),
        NodeCommand.Create(),
        RunCommand.Create(),
        ServeCommand.Create(),
    };

    /// <summary>Parses and runs <paramref name="args"/>; null writers mean the console.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
        if (stdout is not null)
        {
            configuration.Output = stdout;
        }

        if (stderr is not null)
        {
            configuration.Error = stderr;
        }

        var parse = Create().Parse(args);
        if (parse.CommandResult.Command.Name == NodeCommand.Name)
        {
            // A node handles its stop signals itself: it drains for as long as akka-media.executor.drain-timeout
            // allows, which a fixed termination timeout here would cut short.
            configuration.ProcessTerminationTimeout = null;
        }

        var exitCode = await parse.InvokeAsync(configuration).ConfigureAwait(false);
        return parse.Action is ParseErrorAction ? BadArguments : exitCode;
    }
}
