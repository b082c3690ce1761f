namespace AkkaMedia.Host.Tests;

/// <summary>The command line as a whole: help on every command, exit code 2 for what cannot be parsed.</summary>
public sealed class HostCommandLineSpec
{
    [Theory]
    [InlineData]
    [InlineData("demo")]
    [InlineData("node")]
    [InlineData("run")]
    public async Task Help_must_be_offered_on_every_command(params string[] command)
    {
        var (exitCode, stdout, _) = await HostInvocation.InvokeAsync([.. command, "--help"]);

        Assert.Equal(0, exitCode);
        // The usage line starts with the executable's name (akkamedia, or the test host here).
        Assert.Matches(@"Usage:\s+\S+" + string.Concat(command.Select(c => " " + c)) + @" (\[|<)", stdout);
    }

    [Fact]
    public async Task Root_help_must_list_every_command()
    {
        var (_, stdout, _) = await HostInvocation.InvokeAsync("--help");

        Assert.Contains("demo", stdout);
        Assert.Contains("node", stdout);
        Assert.Contains("run <PIPELINE.conf>", stdout);
    }

    [Theory]
    [InlineData]
    [InlineData("launch")]
    [InlineData("demo", "--duration", "long")]
    public async Task A_missing_or_unknown_command_must_exit_2(params string[] args)
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync(args);

        Assert.Equal(2, exitCode);
        Assert.NotEmpty(stderr);
    }
}
