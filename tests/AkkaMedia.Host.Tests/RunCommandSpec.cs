using System.Net;
using System.Net.Sockets;
using NAudio.Wave;

namespace AkkaMedia.Host.Tests;

/// <summary>
/// <c>akkamedia run</c>: a pipeline with a remote stage against an in-process executor, and the bad-input
/// contract: every mistake is reported with what to fix, the right exit code, and no session left behind.
/// </summary>
public sealed class RunCommandSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<BuiltInExecutor>
{
    private readonly BuiltInExecutor _executor;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public RunCommandSpec(BuiltInExecutor executor)
    {
        _executor = executor;
        Directory.CreateDirectory(_folder);
    }

    [Fact]
    public async Task Run_must_process_a_wav_file_through_a_remote_stage_and_exit_0()
    {
        var input = Path.Combine(_folder, "in.wav");
        var output = Path.Combine(_folder, "out.wav");
        var samples = Enumerable.Range(0, 24000).Select(n => (float)(0.6 * Math.Sin(2 * Math.PI * 300 * n / 48000.0))).ToArray();
        using (var writer = new WaveFileWriter(input, WaveFormat.CreateIeeeFloatWaveFormat(48000, 1)))
        {
            writer.WriteSamples(samples, 0, samples.Length);
        }

        var pipeline = Pipeline("""
            pipeline {
              source { type = wav-file, path = "unused.wav" }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = wav-file, path = "unused.wav", format = float32 }
            }
            """);

        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address, "--input", input, "--output", output);

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        Assert.Contains("Gain (remote)", stdout);
        Assert.Matches(@"run: done: 25 elements", stdout);
        using var reader = new WaveFileReader(output);
        var written = new float[samples.Length + 1];
        var read = reader.ToSampleProvider().Read(written, 0, written.Length);
        Assert.Equal(samples.Length, read);
        Assert.Equal(samples.Select(s => s * 0.5f), written.Take(read));
        await AssertNoSessionLeftAsync();
    }

    [Fact]
    public async Task Run_must_name_an_unknown_node_type_and_list_the_known_ones_before_streaming()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Echoo, remote = true } ]
              sink { type = discard }
            }
            """);

        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{pipeline}, line 3", stderr);
        Assert.Contains("unknown node type 'Echoo'", stderr);
        Assert.Contains("Known types:", stderr);
        Assert.Contains("Echo", stderr);
        Assert.Contains("Gain", stderr);
        Assert.DoesNotContain("elements", stdout);
        await AssertNoSessionLeftAsync();
    }

    [Theory]
    [InlineData("{ type = Echo, delay = 250ms, decay = 2, remote = true }", "decay")]
    [InlineData("{ type = Echo, dealy = 250ms, decay = 0.5, remote = true }", "dealy")]
    [InlineData("{ type = Echo, decay = 0.5, remote = true }", "delay")]
    [InlineData("{ type = Gain, gain = loud, remote = true }", "gain")]
    [InlineData("{ type = Echo, delay = 250ms, decay = 0.5, failover = true }", "failover")]
    [InlineData("{ type = Gain, gain = 0.5, remote = true, failover = maybe }", "failover")]
    public async Task Run_must_name_a_bad_setting_before_streaming(string stage, string key)
    {
        var pipeline = Pipeline($$"""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ {{stage}} ]
              sink { type = discard }
            }
            """);

        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{pipeline}, line 3", stderr);
        Assert.Contains($"'{key}'", stderr);
        Assert.DoesNotContain("elements", stdout);
        await AssertNoSessionLeftAsync();
    }

    [Fact]
    public async Task Run_must_give_file_and_line_of_a_syntax_error()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address);

        Assert.Equal(2, exitCode);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(pipeline)}, line \d+", stderr);
        Assert.Contains("never closed", stderr);
    }

    [Fact]
    public async Task Run_must_give_file_line_and_key_of_an_unknown_key()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
              colour = red
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{pipeline}, line 5: unknown key 'colour'", stderr);
        Assert.Contains("source, stages, sink", stderr);
    }

    [Fact]
    public async Task Run_must_fail_after_the_configured_open_timeout_saying_no_executor_answered_when_nothing_runs_at_the_seeds()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);
        var config = Path.Combine(_folder, "quick.conf");
        await File.WriteAllTextAsync(config, "akka-media.remote.open-timeout = 1s");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", $"127.0.0.1:{UnusedPort()}", "--config", config);

        Assert.Equal(1, exitCode);
        Assert.Contains("No node with role 'executor' answered within 1 s", stderr);
        Assert.Contains("remote stage 'Gain'", stderr);
    }

    [Fact]
    public async Task Run_must_fail_after_the_configured_open_timeout_when_the_cluster_has_no_executor()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);
        var config = Path.Combine(_folder, "gpu.conf");
        await File.WriteAllTextAsync(config, "akka-media.remote { open-timeout = 1s, executor-role = gpu }");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address, "--config", config);

        Assert.Equal(1, exitCode);
        Assert.Contains("No node with role 'gpu' answered within 1 s", stderr);
        await AssertNoSessionLeftAsync();
    }

    [Fact]
    public async Task Run_must_refuse_clearly_when_every_executor_is_at_capacity()
    {
        // The executor takes one session; the second remote stage finds no room anywhere.
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true }, { type = Gain, gain = 2, remote = true } ]
              sink { type = discard }
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address);

        Assert.Equal(1, exitCode);
        Assert.Contains("Every executor refused remote stage 'Gain'", stderr);
        Assert.Contains($"{_executor.Address} is at capacity (1 sessions)", stderr);
        Assert.Contains("akka-media.executor.max-sessions", stderr);
        await AssertNoSessionLeftAsync();
    }

    [Fact]
    public async Task Run_must_ask_for_seeds_when_a_stage_is_remote()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline);

        Assert.Equal(2, exitCode);
        Assert.Contains("remote = true", stderr);
        Assert.Contains("--seeds", stderr);
    }

    [Fact]
    public async Task Run_must_name_a_bad_seed()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", "executor-one");

        Assert.Equal(2, exitCode);
        Assert.Contains("Seed 'executor-one' is not valid", stderr);
        Assert.Contains("host:port", stderr);
    }

    [Fact]
    public async Task Run_must_exit_1_when_the_client_node_cannot_listen()
    {
        var pipeline = Pipeline("""
            pipeline {
              source { type = tone, duration = 1s }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);

        // 192.0.2.1 (TEST-NET-1) is never an address of this machine.
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address, "--hostname", "192.0.2.1");

        Assert.Equal(1, exitCode);
        Assert.Contains("could not start the client node on 192.0.2.1", stderr);
    }

    [Fact]
    public async Task Run_must_name_a_missing_pipeline_file()
    {
        var missing = Path.Combine(_folder, "missing.conf");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", missing, "--seeds", _executor.Address);

        Assert.Equal(2, exitCode);
        Assert.Contains($"'{missing}' does not exist", stderr);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "x.conf", "--transport", "pigeon")]
    [InlineData("run", "x.conf", "--frobnicate")]
    public async Task Run_must_exit_2_for_arguments_it_cannot_parse(params string[] args)
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync(args);

        Assert.Equal(2, exitCode);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public async Task Run_must_describe_its_options_in_help()
    {
        var (exitCode, stdout, _) = await HostInvocation.InvokeAsync("run", "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "PIPELINE.conf", "--seeds", "--input", "--output", "--transport", "--config", "--hostname" })
        {
            Assert.Contains(option, stdout);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Pipeline(string text)
    {
        var path = Path.Combine(_folder, $"pipeline-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Sessions end asynchronously after the client leaves; none may remain.</summary>
    private Task AssertNoSessionLeftAsync() =>
        AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
}
