using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AkkaMedia.Host.Commands;
using AkkaMedia.Host.Hosting;

namespace AkkaMedia.Host.Tests;

/// <summary><c>akkamedia node</c>: start, READY, graceful stop, and the bad-input contract (exit 2 names what is wrong, exit 1 when it cannot start).</summary>
public sealed class NodeCommandSpec : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public NodeCommandSpec() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Node_without_seeds_on_port_0_must_start_a_cluster_of_its_own_print_READY_and_stop_gracefully()
    {
        var stdout = new ObservedWriter();
        var stderr = new ObservedWriter();
        using var stop = new CancellationTokenSource();

        var running = NodeCommand.RunAsync(new ClusterNodeOptions("127.0.0.1", 0, [], ["executor"], null), stdout, stderr, stop.Token);
        var text = await stdout.WaitForAsync("READY ", TimeSpan.FromSeconds(60));
        stop.Cancel();
        var exitCode = await running.WaitAsync(TimeSpan.FromSeconds(60));

        var ready = Regex.Match(text, @"READY akka\.tcp://media@127\.0\.0\.1:(\d+)");
        Assert.True(ready.Success, text + stderr);
        Assert.NotEqual("0", ready.Groups[1].Value);
        Assert.Equal(0, exitCode);
        Assert.Contains("node: leaving the cluster", stdout.ToString());
        Assert.Contains("node: stopped", stdout.ToString());
    }

    [Fact]
    public async Task Node_must_name_a_bad_seed_and_exit_2()
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--seeds", "127.0.0.1");

        Assert.Equal(2, exitCode);
        Assert.Contains("Seed '127.0.0.1' is not valid", stderr);
        Assert.Contains("akka.tcp://media@host:port", stderr);
    }

    [Theory]
    [InlineData("akka-media.executor.max-sessions = 0", "akka-media.executor.max-sessions")]
    [InlineData("akka-media.executor.idle-timeout = 0s", "akka-media.executor.idle-timeout")]
    [InlineData("akka-media.executor { heartbeat-interval = 5s, idle-timeout = 5s }", "akka-media.executor.heartbeat-interval")]
    [InlineData("akka-media.executor.link.port = 70000", "akka-media.executor.link.port")]
    [InlineData("akka-media.executor.isolation = sideways", "akka-media.executor.isolation")]
    public async Task Node_must_name_a_bad_setting_and_exit_2(string setting, string key)
    {
        var config = Path.Combine(_folder, "bad.conf");
        await File.WriteAllTextAsync(config, setting);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains(key, stderr);
    }

    [Fact]
    public async Task Node_must_give_file_and_line_of_a_broken_config_file_and_exit_2()
    {
        var config = Path.Combine(_folder, "broken.conf");
        await File.WriteAllTextAsync(config, "akka-media.executor {\n  max-sessions = 4\n  idle-timeout = [5s\n}\n");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Matches($@"{Regex.Escape(config)}, line \d", stderr);
    }

    [Fact]
    public async Task Node_must_name_a_missing_config_file_and_exit_2()
    {
        var config = Path.Combine(_folder, "missing.conf");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains($"'{config}' does not exist", stderr);
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--port", "four")]
    [InlineData("--colour", "red")]
    [InlineData("--isolation", "container")]
    public async Task Node_must_exit_2_for_arguments_it_cannot_parse(params string[] args)
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync(["node", .. args]);

        Assert.Equal(2, exitCode);
        Assert.Contains(args[0], stderr);
    }

    [Fact]
    public async Task Node_must_exit_1_naming_the_address_when_its_port_is_taken()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, exitCode);
        Assert.Contains($"could not start on 127.0.0.1:{port}", stderr);
    }

    [Fact]
    public async Task Node_must_describe_its_options_in_help()
    {
        var (exitCode, stdout, _) = await HostInvocation.InvokeAsync("node", "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--hostname", "--port", "--seeds", "--roles", "--config", "4053", "--isolation", "--run-as" })
        {
            Assert.Contains(option, stdout);
        }
    }

    [Theory]
    [InlineData("process")]
    [InlineData("in-process")]
    public void Node_must_turn_isolation_into_the_executor_setting(string isolation)
    {
        var config = new ClusterNodeOptions("127.0.0.1", 0, [], ["executor"], null) { Isolation = isolation }.ToConfig("executor.conf");

        Assert.Equal(isolation, config.GetString("akka-media.executor.isolation"));
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("65534:65534")]
    [InlineData("")]
    public void Node_must_turn_run_as_into_the_workers_setting(string runAs)
    {
        var config = new ClusterNodeOptions("127.0.0.1", 0, [], ["executor"], null) { RunAs = runAs }.ToConfig("executor.conf");

        Assert.Equal(runAs, config.GetString("akka-media.executor.workers.run-as"));
    }

    [Fact]
    public async Task Node_must_exit_2_naming_the_setting_when_run_as_names_no_user()
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--isolation", "process", "--run-as", "no-such-user-for-workers");

        Assert.Equal(2, exitCode);
        Assert.Contains("akka-media.executor.workers.run-as = \"no-such-user-for-workers\": no such user", stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
