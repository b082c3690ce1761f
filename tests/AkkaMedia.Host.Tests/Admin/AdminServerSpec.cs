using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Host.Admin;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Host.Tests.Admin;

/// <summary>Each admin command against a two-node cluster in this process, through the <c>akkamedia cmd</c> client.</summary>
public sealed class AdminServerSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<AdminClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly AdminClusterFixture _fixture;

    public AdminServerSpec(AdminClusterFixture fixture, ITestOutputHelper output)
        : base("akka.loglevel = WARNING", "admin-spec", output)
    {
        _fixture = fixture;
    }

    private string ExecutorAddress => _fixture.Cluster.ExecutorAddress;

    private string ClientAddress => Akka.Cluster.Cluster.Get(_fixture.Cluster.Client).SelfAddress.ToString();

    [Fact]
    public async Task Cluster_show_must_list_both_members_with_their_status_and_roles()
    {
        await AwaitAssertAsync(async () =>
        {
            var (exit, stdout, stderr) = await _fixture.CmdAsync("cluster", "show");

            Assert.True(exit == 0, stderr);
            Assert.Contains("2 member(s)", stdout);
            Assert.Matches($@"{Regex.Escape(ExecutorAddress)}\s+Up\s+\[executor\].*self", stdout);
            Assert.Matches($@"{Regex.Escape(ClientAddress)}\s+Up\s+\[client\]", stdout);
        }, Timeout);
    }

    [Fact]
    public async Task Cluster_leader_must_name_the_leader_this_node_sees()
    {
        // Leadership moves to the lowest address once both members are up: compare with what the node sees then.
        await AwaitAssertAsync(async () =>
        {
            var (exit, stdout, _) = await _fixture.CmdAsync("cluster", "leader");

            Assert.Equal(0, exit);
            Assert.Equal(Akka.Cluster.Cluster.Get(_fixture.Cluster.ExecutorNode).State.Leader!.ToString(), stdout.Trim());
        }, Timeout);
    }

    [Fact]
    public async Task Cluster_down_and_leave_of_an_address_that_is_not_a_member_must_say_so()
    {
        var down = await _fixture.CmdAsync("cluster", "down", "127.0.0.1:1");
        var leave = await _fixture.CmdAsync("cluster", "leave", "akka.tcp://media@127.0.0.1:1");

        Assert.Equal(1, down.ExitCode);
        Assert.Contains("akka.tcp://media@127.0.0.1:1 is not a member of the cluster", down.Stderr);
        Assert.Contains(ExecutorAddress, down.Stderr);
        Assert.Equal(1, leave.ExitCode);
        Assert.Contains("is not a member", leave.Stderr);
        Assert.Equal(2, Akka.Cluster.Cluster.Get(_fixture.Cluster.ExecutorNode).State.Members.Count);
    }

    [Fact]
    public async Task Cluster_down_unreachable_must_say_when_no_member_is_unreachable()
    {
        var (exit, stdout, _) = await _fixture.CmdAsync("cluster", "down-unreachable");

        Assert.Equal(0, exit);
        Assert.Equal("no unreachable members", stdout.Trim());
    }

    [Fact]
    public async Task Cluster_tail_must_stream_the_members_as_events_until_the_client_disconnects()
    {
        using (var tail = await RawAdminConnection.ConnectAsync(_fixture.Port))
        {
            await tail.SendAsync("\tcluster\ttail\n");
            var lines = new List<string>();
            while (lines.Count(l => l.Contains("MemberUp", StringComparison.Ordinal)) < 2)
            {
                var line = await tail.ReadLineAsync(Timeout);
                Assert.NotNull(line);
                Assert.StartsWith("|", line);
                lines.Add(line);
            }

            Assert.Contains(lines, l => l.Contains($"MemberUp {ExecutorAddress}", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($"MemberUp {ClientAddress}", StringComparison.Ordinal));
        }

        var (exit, _, stderr) = await _fixture.CmdAsync("cluster", "leader");
        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task Unknown_palette_or_command_must_list_the_valid_ones()
    {
        var palette = await _fixture.CmdAsync("clutser", "show");
        var command = await _fixture.CmdAsync("media", "sesions");
        var missing = await _fixture.CmdAsync("cluster");

        Assert.Equal(1, palette.ExitCode);
        Assert.Contains("Unknown palette 'clutser'", palette.Stderr);
        foreach (var name in AdminCatalog.Palettes)
        {
            Assert.Contains(name, palette.Stderr);
        }

        Assert.Equal(1, command.ExitCode);
        Assert.Contains("Unknown command 'sesions' in palette 'media'", command.Stderr);
        Assert.Contains("nodes, executors, sessions, packages, state, kill", command.Stderr);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("show, leader, leave, down, down-unreachable, tail", missing.Stderr);
    }

    [Fact]
    public async Task Media_nodes_must_list_every_node_type_the_program_runs_speech_nodes_included()
    {
        var (exit, stdout, _) = await _fixture.CmdAsync("media", "nodes");

        Assert.Equal(0, exit);
        var lines = stdout.Trim().Split('\n');
        var registry = AkkaMedia.Host.Pipelines.HostNodes.CreateRegistry();
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^SileroVad\s+AudioFrame -> Object\s+settings \[model-path,"));
        Assert.Equal(registry.Descriptors.Count, lines.Length);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^Echo\s+AudioFrame -> AudioFrame\s+settings \[delay, decay, mix\]"));
        foreach (var descriptor in registry.Descriptors)
        {
            Assert.Contains(lines, l => l.StartsWith(descriptor.TypeName + " ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Media_executors_must_list_the_executor_with_its_sessions_and_capacity()
    {
        var (exit, stdout, stderr) = await _fixture.CmdAsync("media", "executors");

        Assert.True(exit == 0, stderr);
        var maxSessions = _fixture.Cluster.ExecutorNode.Settings.Config.GetInt("akka-media.executor.max-sessions");
        Assert.Matches($@"^{Regex.Escape(ExecutorAddress)}\s+Up\s+sessions \d+/{maxSessions}\s+load [\d.]+%\s+accepting$", stdout.Trim());
    }

    [Fact]
    public async Task Media_packages_must_say_when_the_store_is_empty()
    {
        var (exit, stdout, _) = await _fixture.CmdAsync("media", "packages");

        Assert.Equal(0, exit);
        Assert.Equal("no packages cached", stdout.Trim());
    }

    [Fact]
    public async Task Media_sessions_must_show_a_running_session_and_media_kill_must_end_it_with_a_reason_its_client_sees()
    {
        var (queue, done) = Source.Queue<AudioFrame>(8, OverflowStrategy.Backpressure)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 0.5"))
            .ToMaterialized(Sink.Ignore<AudioFrame>(), Keep.Both)
            .Run(_fixture.Cluster.Client.Materializer());
        for (var i = 0; i < 4; i++)
        {
            await queue.OfferAsync(new AudioFrame(new float[160], 16000, 1, i));
        }

        string id = string.Empty;
        await AwaitAssertAsync(async () =>
        {
            var (exit, stdout, stderr) = await _fixture.CmdAsync("media", "sessions");
            Assert.True(exit == 0, stderr);
            var match = Regex.Match(stdout, @"^(\S+)\s+Gain\s+(?:streamrefs|link)\s+in 4\s+out 4\s+age [\d.]+ s\s+client akka\.tcp://media@127\.0\.0\.1:\d+/", RegexOptions.Multiline);
            Assert.True(match.Success, stdout);
            Assert.Contains("isolation in-process", stdout);
            id = match.Groups[1].Value;
        }, Timeout);

        var kill = await _fixture.CmdAsync("media", "kill", id);

        Assert.True(kill.ExitCode == 0, kill.Stderr);
        Assert.Equal($"session {id} killed", kill.Stdout.Trim());
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => done.WaitAsync(Timeout));
        Assert.Contains($"Session {id} (Gain) was killed by an operator", error.Message);
        await AwaitAssertAsync(async () => Assert.Equal("no sessions", (await _fixture.CmdAsync("media", "sessions")).Stdout.Trim()), Timeout);

        var again = await _fixture.CmdAsync("media", "kill", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"No session '{id}'", again.Stderr);
    }

    [Fact]
    public async Task Actor_hierarchy_must_show_the_executor_under_user_down_to_the_depth_asked()
    {
        var deep = await _fixture.CmdAsync("actor", "hierarchy");
        var shallow = await _fixture.CmdAsync("actor", "hierarchy", "--depth", "1");
        var equals = await _fixture.CmdAsync("actor", "hierarchy", "--depth=1");
        var bad = await _fixture.CmdAsync("actor", "hierarchy", "--depth", "zero");

        Assert.Equal(0, deep.ExitCode);
        Assert.Matches(@"(?m)^  user\n(    .*\n)*    akka-media-executor", deep.Stdout);
        Assert.Matches(@"(?m)^      packages$", deep.Stdout);
        Assert.Equal(0, shallow.ExitCode);
        Assert.Equal(["akka://media/", "  system", "  user"], shallow.Stdout.Trim().Split('\n').Select(l => Regex.Replace(l, @"\s+\(\+\d+ children\)$", string.Empty)));
        Assert.Equal(Regex.Replace(shallow.Stdout, @"\(\+\d+ children\)", string.Empty), Regex.Replace(equals.Stdout, @"\(\+\d+ children\)", string.Empty));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Usage: actor hierarchy [--depth N]", bad.Stderr);
    }

    [Fact]
    public async Task Media_state_must_list_the_executors_session_state_and_show_a_keys_values()
    {
        var key = "caller-" + Guid.NewGuid().ToString("N")[..8];
        var state = SessionStateStore.Get(_fixture.Cluster.ExecutorNode).GetOrCreate(key);
        state.SetString("language", "fr");
        state.SetBytes("history", new byte[20]);

        var list = await _fixture.CmdAsync("media", "state");
        var show = await _fixture.CmdAsync("media", "state", key);
        var missing = await _fixture.CmdAsync("media", "state", "nobody");

        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Matches(@"^\d+ of at most 10000 states, kept 24 h after last use; dropped so far: \d+ expired, \d+ evicted", list.Stdout);
        Assert.Matches($@"(?m)^{key}  values 2  22 bytes  idle \d+\.\d s  expires \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ$", list.Stdout);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Equal(["history = 20 bytes: 00000000000000000000000000000000…", "language = fr"], show.Stdout.Trim().Split('\n'));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No session state 'nobody' on this node; list the keys with: media state", missing.Stderr);
    }

    [Fact]
    public async Task Log_level_must_change_the_level_and_log_tail_must_stream_the_events_logged_after_it()
    {
        var bus = _fixture.Cluster.ExecutorNode.EventStream;
        var before = bus.LogLevel;
        try
        {
            var set = await _fixture.CmdAsync("log", "level", "info");
            Assert.True(set.ExitCode == 0, set.Stderr);
            Assert.Matches(@"^log level \w+ -> info$", set.Stdout.Trim());
            Assert.Equal(Akka.Event.LogLevel.InfoLevel, bus.LogLevel);
            Assert.Equal("log level info", (await _fixture.CmdAsync("log", "level")).Stdout.Trim());

            using var tail = await RawAdminConnection.ConnectAsync(_fixture.Port);
            await tail.SendAsync("\tlog\ttail\n");
            Assert.StartsWith("|log events at level info", await tail.ReadLineAsync(Timeout));

            // The server logs every command it serves at info level: this one must show up in the tail.
            Assert.Equal(0, (await _fixture.CmdAsync("media", "nodes")).ExitCode);
            string? line;
            do
            {
                line = await tail.ReadLineAsync(Timeout);
                Assert.NotNull(line);
            }
            while (!line.Contains("media nodes from", StringComparison.Ordinal));
            Assert.Matches(@"^\|\d\d:\d\d:\d\d\.\d{3} INFO akka-media-admin.*: Admin server: media nodes from 127\.0\.0\.1:\d+$", line);

            var wrong = await _fixture.CmdAsync("log", "level", "verbose");
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains("debug, info, warning, error", wrong.Stderr);
        }
        finally
        {
            bus.SetLogLevel(before);
        }
    }

    [Fact]
    public async Task Log_tail_must_show_the_session_of_each_event_a_session_logs()
    {
        var bus = _fixture.Cluster.ExecutorNode.EventStream;
        var before = bus.LogLevel;
        try
        {
            Assert.Equal(0, (await _fixture.CmdAsync("log", "level", "info")).ExitCode);
            using var tail = await RawAdminConnection.ConnectAsync(_fixture.Port);
            await tail.SendAsync("\tlog\ttail\n");
            Assert.StartsWith("|log events at level info", await tail.ReadLineAsync(Timeout));

            await Source.From(Enumerable.Range(0, 3).Select(i => new AudioFrame(new float[160], 16000, 1, i)))
                .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 0.5"))
                .RunWith(Sink.Ignore<AudioFrame>(), _fixture.Cluster.Client.Materializer())
                .WaitAsync(Timeout);

            string? line;
            do
            {
                line = await tail.ReadLineAsync(Timeout);
                Assert.NotNull(line);
            }
            while (!line.Contains("Session of Gain started", StringComparison.Ordinal));
            var started = Regex.Match(line, @"^\|\d\d:\d\d:\d\d\.\d{3} INFO \[session (?<id>[^\]]+)\] \S+/user/akka-media-executor/(?<actor>\S+): Session of Gain started over ");
            Assert.True(started.Success, line);
            Assert.Equal(started.Groups["actor"].Value, started.Groups["id"].Value);
        }
        finally
        {
            bus.SetLogLevel(before);
        }
    }

    [Fact]
    public async Task An_unreachable_port_must_be_reported_in_one_line_without_a_stack_trace()
    {
        var port = AkkaMedia.Samples.Tests.Processes.LoopbackPort.Free();

        var (exit, stdout, stderr) = await AdminClusterFixture.CmdAsync(port, null, "cluster", "show");

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.StartsWith($"cmd: cannot connect to 127.0.0.1:{port}", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_server_with_a_token_must_refuse_a_wrong_or_missing_token_and_serve_the_right_one()
    {
        await using var server = AdminServer.Start(_fixture.Cluster.ExecutorNode, _fixture.Settings with { Token = "s3cret" });
        var port = server.Endpoint.Port;

        var missing = await AdminClusterFixture.CmdAsync(port, null, "cluster", "leader");
        var wrong = await AdminClusterFixture.CmdAsync(port, "guess", "cluster", "leader");
        var right = await AdminClusterFixture.CmdAsync(port, "s3cret", "media", "executors");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Wrong admin token", missing.Stderr);
        Assert.Empty(missing.Stdout);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("Wrong admin token", wrong.Stderr);
        Assert.Equal(0, right.ExitCode);
        Assert.StartsWith(_fixture.Cluster.ExecutorAddress + "  Up", right.Stdout);
    }

    [Fact]
    public async Task A_client_that_sends_nothing_or_garbage_must_be_dropped_while_the_server_keeps_serving_others()
    {
        await using var server = AdminServer.Start(_fixture.Cluster.ExecutorNode, _fixture.Settings with { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        var port = server.Endpoint.Port;
        using var silent = await RawAdminConnection.ConnectAsync(port);
        using var noNewline = await RawAdminConnection.ConnectAsync(port);
        using var flood = await RawAdminConnection.ConnectAsync(port);
        await noNewline.SendAsync("cluster show");
        await flood.SendAsync(new string('x', AdminProtocol.MaxRequestBytes + 100));

        var served = await AdminClusterFixture.CmdAsync(port, null, "cluster", "leader");

        Assert.Equal(0, served.ExitCode);
        await silent.ExpectClosedAsync(Timeout);
        await noNewline.ExpectClosedAsync(Timeout);
        await flood.ExpectClosedAsync(Timeout);
        Assert.Equal(0, (await AdminClusterFixture.CmdAsync(port, null, "cluster", "leader")).ExitCode);
    }
}
