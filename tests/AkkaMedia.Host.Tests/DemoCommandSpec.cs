using System.CommandLine;
using System.Text.RegularExpressions;
using AkkaMedia.Host.Commands;
using NAudio.Wave;

namespace AkkaMedia.Host.Tests;

public sealed class DemoCommandSpec : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public DemoCommandSpec() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Demo_must_write_16_kHz_audio_of_the_expected_duration_and_report_speech_and_silence()
    {
        var output = Path.Combine(_folder, "out.wav");

        var (exitCode, stdout, stderr) = await InvokeAsync("demo", "--output", output);

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        using (var reader = new WaveFileReader(output))
        {
            Assert.Equal(16000, reader.WaveFormat.SampleRate);
            Assert.Equal(16, reader.WaveFormat.BitsPerSample);

            // 5 s of input plus the 250 ms echo tail, within one 20 ms frame.
            var expected = TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(250);
            Assert.InRange(reader.TotalTime, expected - TimeSpan.FromMilliseconds(20), expected + TimeSpan.FromMilliseconds(20));
        }

        var framesIn = Number(stdout, @"frames in:\s+(\d+)");
        var framesOut = Number(stdout, @"frames out:\s+(\d+)");
        var speech = Number(stdout, @"(\d+) speech");
        var silence = Number(stdout, @"(\d+) silence");
        Assert.Equal(250, framesIn);
        Assert.Equal(framesOut, speech + silence);
        Assert.True(speech > 0 && silence > 0, stdout);
        Assert.Matches(@"real-time factor:\s+\d", stdout);
        Assert.Matches(@"wall time:\s+\d+ ms", stdout);
        Assert.Matches(@"echo stage:\s+on executor akka\.tcp://media@127\.0\.0\.1:\d+", stdout);
    }

    [Fact]
    public async Task Demo_must_serve_admin_commands_on_its_executor_node_at_the_admin_port()
    {
        var (exitCode, stdout, stderr) = await InvokeAsync("demo", "--duration", "1", "--admin-port", "0", "--output", Path.Combine(_folder, "admin.wav"));

        Assert.True(exitCode == 0, stderr);
        Assert.Matches(@"admin server:\s+127\.0\.0\.1:\d+ \(akkamedia cmd --port \d+ media sessions\)", stdout);
    }

    [Fact]
    public async Task Demo_with_local_echo_must_write_the_same_audio_as_the_remote_echo()
    {
        var remote = Path.Combine(_folder, "remote.wav");
        var local = Path.Combine(_folder, "local.wav");

        var remoteRun = await InvokeAsync("demo", "--output", remote);
        var localRun = await InvokeAsync("demo", "--output", local, "--local");

        Assert.True(remoteRun.ExitCode == 0, remoteRun.Stderr);
        Assert.True(localRun.ExitCode == 0, localRun.Stderr);
        Assert.Contains("in this process", localRun.Stdout);
        Assert.Equal(File.ReadAllBytes(local), File.ReadAllBytes(remote));
    }

    [Fact]
    public async Task Demo_must_process_a_wav_input()
    {
        var input = Path.Combine(_folder, "in.wav");
        using (var writer = new WaveFileWriter(input, new WaveFormat(44100, 16, 2)))
        {
            var samples = new float[2 * 44100];
            for (var n = 0; n < 44100; n++)
            {
                samples[2 * n] = samples[(2 * n) + 1] = (float)(0.3 * Math.Sin(2 * Math.PI * 220 * n / 44100));
            }

            writer.WriteSamples(samples, 0, samples.Length);
        }

        var output = Path.Combine(_folder, "out.wav");

        var (exitCode, stdout, stderr) = await InvokeAsync("demo", "--input", input, "--output", output);

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        using var reader = new WaveFileReader(output);
        Assert.Equal(16000, reader.WaveFormat.SampleRate);
        Assert.Equal(2, reader.WaveFormat.Channels);
        Assert.InRange(reader.TotalTime.TotalMilliseconds, 1250 - 20, 1250 + 20);
        Assert.Contains("44100 Hz, 2 ch", stdout);
    }

    [Fact]
    public async Task Demo_must_exit_with_1_and_name_the_file_when_the_input_is_corrupt()
    {
        var input = Path.Combine(_folder, "corrupt.wav");
        await File.WriteAllBytesAsync(input, "RIFF\u0010\0\0\0WAVEfmt "u8.ToArray());

        var (exitCode, _, stderr) = await InvokeAsync("demo", "--input", input, "--output", Path.Combine(_folder, "out.wav"));

        Assert.Equal(1, exitCode);
        Assert.Contains(input, stderr);
        Assert.False(File.Exists(Path.Combine(_folder, "out.wav")));
    }

    [Fact]
    public async Task Demo_must_exit_with_1_and_name_the_file_when_the_input_is_missing()
    {
        var input = Path.Combine(_folder, "missing.wav");

        var (exitCode, _, stderr) = await InvokeAsync("demo", "--input", input, "--output", Path.Combine(_folder, "out.wav"));

        Assert.Equal(1, exitCode);
        Assert.Contains(input, stderr);
        Assert.Contains("does not exist", stderr);
    }

    [Fact]
    public async Task Demo_must_exit_with_1_and_name_the_folder_when_the_output_cannot_be_written()
    {
        var output = Path.Combine(_folder, "no-such-folder", "out.wav");

        var (exitCode, _, stderr) = await InvokeAsync("demo", "--output", output, "--duration", "60");

        Assert.Equal(1, exitCode);
        Assert.Contains("no-such-folder", stderr);
        Assert.Contains("WavFileSink", stderr);
    }

    [Fact]
    public async Task Demo_must_describe_its_options_in_help()
    {
        var (exitCode, stdout, _) = await InvokeAsync("demo", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--input", stdout);
        Assert.Contains("--output", stdout);
        Assert.Contains("demo-output.wav", stdout);
    }

    [Fact]
    public async Task Demo_must_refuse_a_duration_that_is_not_positive()
    {
        var (exitCode, _, stderr) = await InvokeAsync("demo", "--duration", "0", "--output", Path.Combine(_folder, "out.wav"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--duration", stderr);
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

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { DemoCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static long Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:{Environment.NewLine}{text}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
