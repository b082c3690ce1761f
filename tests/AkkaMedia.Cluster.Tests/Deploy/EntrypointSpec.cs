using System.Net;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// deploy/entrypoint.sh maps the container's AKKAMEDIA_* variables to the host's flags: run with a program that prints
/// the command line instead of starting the host (<see cref="EntrypointRun"/>).
/// </summary>
public sealed class EntrypointSpec
{
    private const string Pipeline = "/app/pipelines/live-echo.conf";

    public static TheoryData<string, string> VariablesOfEachCommand => Pairs(EntrypointVariable.Flags.SelectMany(v => v.Commands.Select(c => (v.Name, c))));

    public static TheoryData<string, string> VariablesOfTheOtherCommand =>
        Pairs(EntrypointVariable.Flags.SelectMany(v => new[] { "node", "serve" }.Except(v.Commands).Select(c => (v.Name, c))));

    [Fact]
    public async Task Entrypoint_must_refuse_an_unknown_command_with_exit_code_2_and_say_what_to_set()
    {
        var run = await EntrypointRun.StartAsync(new Dictionary<string, string> { ["AKKAMEDIA_COMMAND"] = "executor" });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Empty(run.Arguments);
        Assert.Contains("AKKAMEDIA_COMMAND is 'executor'; set it to node", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("or serve", run.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(VariablesOfEachCommand))]
    public async Task Entrypoint_must_pass_a_set_variable_as_its_flag(string name, string command)
    {
        var variable = EntrypointVariable.Named(name);
        var value = $"value-of-{name}";

        var run = await EntrypointRun.StartAsync(Variables(command, (name, value)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(command, run.Arguments[0]);
        Assert.True(run.ValueOf(variable.Flag) == value, $"{name} did not become {variable.Flag} {value}: {run}");
    }

    [Theory]
    [MemberData(nameof(VariablesOfTheOtherCommand))]
    public async Task Entrypoint_must_refuse_a_variable_its_command_has_no_flag_for(string name, string command)
    {
        var run = await EntrypointRun.StartAsync(Variables(command, (name, "1")));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Empty(run.Arguments);
        Assert.Contains($"{name} is set, but akkamedia {command} has no {EntrypointVariable.Named(name).Flag}", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entrypoint_must_pass_no_flag_for_an_unset_or_empty_variable_but_the_container_defaults()
    {
        var node = await EntrypointRun.StartAsync(Variables("node", ("AKKAMEDIA_SEEDS", string.Empty)));
        var serve = await EntrypointRun.StartAsync(Variables("serve"));

        Assert.Equal(["node", "--hostname", DeployFiles.PodIp, "--http-port", "9111", "--http-hostname", "0.0.0.0", "--log-format", "json"], node.Arguments);
        Assert.Equal(["serve", Pipeline, "--hostname", DeployFiles.PodIp, "--http-port", "8080", "--http-hostname", "0.0.0.0", "--log-format", "json"], serve.Arguments);
    }

    [Fact]
    public async Task Entrypoint_must_run_a_node_when_no_command_is_given()
    {
        var run = await EntrypointRun.StartAsync(new Dictionary<string, string> { ["AKKAMEDIA_HOSTNAME"] = DeployFiles.PodIp });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("node", run.Arguments[0]);
    }

    [Fact]
    public async Task Entrypoint_must_advertise_the_address_of_the_hostname_when_no_address_is_given()
    {
        var run = await EntrypointRun.StartAsync(new Dictionary<string, string> { ["AKKAMEDIA_COMMAND"] = "node" });

        Assert.True(run.ExitCode == 0, run.ToString());
        var advertised = run.ValueOf("--hostname");
        Assert.True(IPAddress.TryParse(advertised, out var address), $"--hostname is '{advertised}', not an address: {run}");
        Assert.Contains(address, await Dns.GetHostAddressesAsync(Dns.GetHostName()));
        Assert.Contains($"AKKAMEDIA_HOSTNAME is not set; advertising {advertised}", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entrypoint_must_refuse_serve_without_a_pipeline()
    {
        var environment = Variables("serve");
        environment.Remove("AKKAMEDIA_PIPELINE");

        var run = await EntrypointRun.StartAsync(environment);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("AKKAMEDIA_COMMAND=serve needs AKKAMEDIA_PIPELINE", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entrypoint_must_refuse_a_pipeline_for_a_node()
    {
        var run = await EntrypointRun.StartAsync(Variables("node", ("AKKAMEDIA_PIPELINE", Pipeline)));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("AKKAMEDIA_PIPELINE is set, but akkamedia node takes no pipeline", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entrypoint_must_append_the_container_arguments_to_the_command_line()
    {
        var run = await EntrypointRun.StartAsync(Variables("node"), "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("--help", run.Arguments[^1]);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("serve")]
    public async Task Entrypoint_must_pass_only_flags_the_host_command_has(string command)
    {
        await using var help = HostProcess.Start([command, "--help"]);
        Assert.Equal(0, await help.WaitForExitAsync(NodeProcess.StartTimeout));
        var flags = help.Transcript.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("out| ", StringComparison.Ordinal))
            .Select(l => l["out| ".Length..].TrimStart().Split(' ', 2)[0].TrimEnd(','))
            .Where(f => f.StartsWith("--", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var mapped = EntrypointVariable.Flags.Where(v => v.Commands.Contains(command)).Select(v => v.Flag).ToList();

        Assert.NotEmpty(flags);
        Assert.All(mapped, flag => Assert.True(flags.Contains(flag), $"akkamedia {command} has no {flag}; its flags: {string.Join(' ', flags)}"));
    }

    private static TheoryData<string, string> Pairs(IEnumerable<(string Name, string Command)> pairs)
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, command) in pairs)
        {
            data.Add(name, command);
        }

        return data;
    }

    /// <summary>The variables of a <paramref name="command"/> container (with a pipeline for serve, a fixed address), plus <paramref name="extra"/>.</summary>
    private static Dictionary<string, string> Variables(string command, params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AKKAMEDIA_COMMAND"] = command,
            ["AKKAMEDIA_HOSTNAME"] = DeployFiles.PodIp,
        };
        if (command == "serve")
        {
            environment["AKKAMEDIA_PIPELINE"] = Pipeline;
        }

        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }
}
