using System.Globalization;
using System.Text.RegularExpressions;
using AkkaMedia.Samples.Tests.Processes;

namespace AkkaMedia.Host.Tests.Admin;

/// <summary>
/// Real <c>akkamedia node</c> processes operated with real <c>akkamedia cmd</c> processes, as an operator does from
/// a second terminal. Every process is killed whatever the outcome.
/// </summary>
public sealed class AdminProcessSpec
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(30);

    private static string Host => Path.Combine(AppContext.BaseDirectory, "akkamedia.dll");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Cmd_must_show_both_members_of_a_two_node_cluster_and_make_one_leave()
    {
        var port1 = LoopbackPort.Free();
        var port2 = LoopbackPort.Free();
        var admin1 = LoopbackPort.Free();
        await using var node1 = ChildProcess.StartDll(Host, ["node", "--port", Text(port1), "--seeds", $"127.0.0.1:{port1}", "--admin-port", Text(admin1)], AppContext.BaseDirectory);
        await node1.WaitForLineAsync(l => l == $"ADMIN 127.0.0.1:{admin1}", Ready);
        await using var node2 = ChildProcess.StartDll(Host, ["node", "--port", Text(port2), "--seeds", $"127.0.0.1:{port1}", "--roles", "client", "--admin-port", "0"], AppContext.BaseDirectory);
        var admin2Line = await node2.WaitForLineAsync(l => l.StartsWith("ADMIN 127.0.0.1:", StringComparison.Ordinal), Ready);
        Assert.Matches(@"^ADMIN 127\.0\.0\.1:\d+$", admin2Line);

        var show = await CmdAsync("--port", Text(admin1), "cluster", "show");
        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Matches($@"akka\.tcp://media@127\.0\.0\.1:{port1}\s+Up\s+\[executor\]", show.Stdout);
        Assert.Matches($@"akka\.tcp://media@127\.0\.0\.1:{port2}\s+Up\s+\[client\]", show.Stdout);

        var hierarchy = await CmdAsync("--port", Text(admin1), "actor", "hierarchy", "--depth", "2");
        Assert.True(hierarchy.ExitCode == 0, hierarchy.Output);
        Assert.Contains("    akka-media-executor", hierarchy.Stdout);

        var leave = await CmdAsync("--port", Text(admin1), "cluster", "leave", $"127.0.0.1:{port2}");
        Assert.True(leave.ExitCode == 0, leave.Output);
        Assert.Equal($"akka.tcp://media@127.0.0.1:{port2} asked to leave the cluster", leave.Stdout.Trim());
        await node2.WaitForExitAsync(Exit);

        // The leaver exits once it has seen itself exiting; the leader removes it on its next gossip round.
        var after = await CmdAsync("--port", Text(admin1), "cluster", "show");
        for (var attempt = 0; attempt < 20 && !after.Stdout.Contains("1 member(s)", StringComparison.Ordinal); attempt++)
        {
            after = await CmdAsync("--port", Text(admin1), "cluster", "show");
        }

        Assert.Contains("1 member(s)", after.Stdout);
        Assert.DoesNotContain($":{port2}", after.Stdout);
    }

    [Fact]
    public async Task Cmd_media_kill_must_end_a_session_of_a_running_pipeline_and_the_client_must_say_an_operator_killed_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var pipeline = Path.Combine(folder, "live.conf");
        await File.WriteAllTextAsync(pipeline, """
            pipeline {
              source { type = tone, realtime = true, duration = 120s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);
        var port = LoopbackPort.Free();
        var admin = LoopbackPort.Free();
        try
        {
            await using var node = ChildProcess.StartDll(Host, ["node", "--port", Text(port), "--seeds", $"127.0.0.1:{port}", "--admin-port", Text(admin)], folder);
            await node.WaitForLineAsync(l => l == $"ADMIN 127.0.0.1:{admin}", Ready);
            await using var run = ChildProcess.StartDll(Host, ["run", pipeline, "--seeds", $"127.0.0.1:{port}"], folder);

            // The session opens once the client has joined; each query is a whole `cmd` process.
            Match session = Match.Empty;
            for (var attempt = 0; attempt < 60 && !session.Success && !run.HasExited; attempt++)
            {
                var sessions = await CmdAsync("--port", Text(admin), "media", "sessions");
                session = Regex.Match(sessions.Stdout, @"^(\S+)\s+Gain\s+(?:streamrefs|link)\s+in (\d+)\s+out (\d+)", RegexOptions.Multiline);
            }

            Assert.True(session.Success, run.ToString());
            var id = session.Groups[1].Value;

            var kill = await CmdAsync("--port", Text(admin), "media", "kill", id);

            Assert.True(kill.ExitCode == 0, kill.Output);
            Assert.Equal($"session {id} killed", kill.Stdout.Trim());
            Assert.Equal(1, await run.WaitForExitAsync(Exit));
            Assert.Contains($"Session {id} (Gain) was killed by an operator", run.Stderr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Cmd_must_fail_with_one_line_and_no_stack_trace_on_a_bad_palette_or_an_unreachable_port()
    {
        var port = LoopbackPort.Free();
        var admin = LoopbackPort.Free();
        await using var node = ChildProcess.StartDll(Host, ["node", "--port", Text(port), "--seeds", $"127.0.0.1:{port}", "--admin-port", Text(admin)], AppContext.BaseDirectory);
        await node.WaitForLineAsync(l => l == $"ADMIN 127.0.0.1:{admin}", Ready);

        var bad = await CmdAsync("--port", Text(admin), "bogus", "show");
        var closed = await CmdAsync("--port", Text(LoopbackPort.Free()), "cluster", "show");

        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("cmd: Unknown palette 'bogus'. Valid palettes: cluster, actor, log, media.", bad.Stderr.Trim());
        Assert.Equal(1, closed.ExitCode);
        Assert.Single(closed.Stderr.Trim().Split('\n'));
        Assert.StartsWith("cmd: cannot connect to 127.0.0.1:", closed.Stderr);
        Assert.DoesNotContain("   at ", closed.Stderr);
    }

    [Fact]
    public async Task Node_must_refuse_to_start_an_admin_server_beyond_loopback_without_a_token()
    {
        var port = LoopbackPort.Free();
        await using var node = ChildProcess.StartDll(Host, ["node", "--port", Text(port), "--seeds", $"127.0.0.1:{port}", "--admin-hostname", "0.0.0.0"], AppContext.BaseDirectory);

        var exit = await node.WaitForExitAsync(Exit);

        Assert.Equal(2, exit);
        Assert.Contains("akka-media.admin.token", node.Stderr);
        Assert.DoesNotContain("   at ", node.Stderr);
    }

    [Fact]
    public async Task Node_must_exit_naming_the_admin_port_when_it_is_in_use()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var admin = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var port = LoopbackPort.Free();
        await using var node = ChildProcess.StartDll(Host, ["node", "--port", Text(port), "--seeds", $"127.0.0.1:{port}", "--admin-port", Text(admin)], AppContext.BaseDirectory);

        var exit = await node.WaitForExitAsync(Exit);

        Assert.Equal(1, exit);
        Assert.Contains($"Admin server cannot listen on 127.0.0.1:{admin}", node.Stderr);
        Assert.Contains("--admin-port", node.Stderr);
    }

    [Fact]
    public async Task Node_must_run_without_an_admin_server_when_the_configured_admin_port_is_in_use()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var admin = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var port = LoopbackPort.Free();
        var config = Path.Combine(Path.GetTempPath(), $"akkamedia-admin-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(config, $"akka-media.admin.port = {admin}");
        try
        {
            await using var node = ChildProcess.StartDll(Host, ["node", "--port", Text(port), "--seeds", $"127.0.0.1:{port}", "--config", config], AppContext.BaseDirectory);

            await node.WaitForLineAsync(l => l == $"READY akka.tcp://media@127.0.0.1:{port}", Ready);
            await node.DisposeAsync(); // stopped, with its standard error read to the end

            Assert.Contains($"running without an admin server: Admin server cannot listen on 127.0.0.1:{admin}", node.Stderr);
            Assert.DoesNotContain("ADMIN ", node.Stdout);
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr, string Output)> CmdAsync(params string[] args)
    {
        await using var cmd = ChildProcess.StartDll(Host, args.Prepend("cmd"), AppContext.BaseDirectory);
        var exit = await cmd.WaitForExitAsync(Exit);
        return (exit, cmd.Stdout, cmd.Stderr, cmd.ToString());
    }
}
