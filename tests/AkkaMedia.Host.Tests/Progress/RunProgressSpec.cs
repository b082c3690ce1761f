using System.Globalization;
using System.Text.RegularExpressions;
using AkkaMedia.Frames;
using AkkaMedia.Host.Logs;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Host.Progress;
using NAudio.Wave;
using Serilog.Events;
using Serilog.Parsing;
using Spectre.Console.Testing;

namespace AkkaMedia.Host.Tests.Progress;

/// <summary>
/// Progress of <c>akkamedia run</c>: plain lines once a second when standard output is not a terminal (as here),
/// a live bar on a terminal (checked on Spectre.Console's test console), sized by the media duration of the source.
/// </summary>
public sealed class RunProgressSpec : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public RunProgressSpec() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Run_with_redirected_output_must_print_growing_frame_counts_once_a_second_and_the_summary_line()
    {
        // 3.5 s of tone at real-time pace: progress ticks at 1, 2 and 3 s, at least two of them before the end even on a busy machine.
        var pipeline = Path.Combine(_folder, "tone.conf");
        await File.WriteAllTextAsync(pipeline, """
            pipeline {
              source { type = tone, duration = 3500ms, sample-rate = 48000, samples-per-frame = 960, realtime = true }
              stages = [ { type = Gain, gain = 0.5 } ]
              sink { type = discard }
            }
            """);

        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("run", pipeline);

        Assert.True(exitCode == 0, stderr);
        var expectedFrames = 3500 * 48000 / 1000 / 960;
        var ticks = Regex.Matches(stdout, @"^run: (\d+) elements through the pipeline, (\d+\.\d{3}) s of 3\.500 s media(, real-time factor \d+\.\d{4})?\r?$", RegexOptions.Multiline);
        Assert.True(ticks.Count >= 2, stdout);
        var counts = ticks.Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(counts.Order(), counts);
        Assert.All(counts, count => Assert.InRange(count, 0, expectedFrames));
        Assert.All(ticks, m => Assert.InRange(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 0, 3.5));
        Assert.Matches($@"(?m)^run: done: {expectedFrames} elements in \d+ ms, 3\.500 s of audio \(real-time factor \d+\.\d{{4}}\)\r?$", stdout);
        Assert.DoesNotContain("\u001b[", stdout);
    }

    [Fact]
    public async Task Live_display_must_render_frames_media_time_and_real_time_factor()
    {
        var console = new TestConsole().Interactive().Width(160);
        var counters = new RunCounters();
        for (var i = 0; i < 25; i++)
        {
            counters.Record(Tone(i));
        }

        var display = new LiveProgressDisplay(console, counters, TimeSpan.FromSeconds(1), logs: null);
        await display.DisposeAsync();

        Assert.Contains("25 frames · 0.50 s / 1.00 s · real-time factor ", console.Output);
        Assert.Matches(@"real-time factor \d+\.\d{3}", console.Output);
        Assert.Contains("50%", console.Output);
    }

    [Fact]
    public async Task Live_display_without_a_known_duration_must_still_count_frames()
    {
        var console = new TestConsole().Interactive().Width(160);
        var counters = new RunCounters();
        counters.Record(new object());
        counters.Record(new object());

        var display = new LiveProgressDisplay(console, counters, total: null, logs: null);
        await display.DisposeAsync();

        Assert.Contains("2 frames", console.Output);
        Assert.DoesNotContain("real-time factor", console.Output);
    }

    [Fact]
    public async Task Live_display_must_print_log_lines_through_the_console_while_live_and_give_them_back_after()
    {
        var console = new TestConsole().Interactive().Width(160);
        var stderr = new StringWriter();
        var output = new LogOutput(stderr, new TextLogFormatter());

        var display = new LiveProgressDisplay(console, new RunCounters(), TimeSpan.FromSeconds(1), output);
        output.Emit(Event("while the bar is live"));
        await display.DisposeAsync();
        output.Emit(Event("after the bar"));

        Assert.Contains("while the bar is live", console.Output);
        Assert.DoesNotContain("while the bar is live", stderr.ToString());
        Assert.Contains("after the bar", stderr.ToString());
        Assert.DoesNotContain("after the bar", console.Output);
    }

    [Fact]
    public void Media_duration_must_be_the_length_of_a_wav_file()
    {
        var path = Path.Combine(_folder, "in.wav");
        using (var writer = new WaveFileWriter(path, new WaveFormat(16000, 16, 1)))
        {
            var samples = new float[12000];
            writer.WriteSamples(samples, 0, samples.Length);
        }

        Assert.Equal(TimeSpan.FromSeconds(12000 / 16000.0), MediaDuration.Of(Source("wav-file", path)));
    }

    [Fact]
    public void Media_duration_must_be_frames_over_frame_rate_of_a_y4m_file()
    {
        // 4×2 I420: 8 luma + 2 × (2×1) chroma bytes per frame; 10 frames at 25 fps = 0.4 s.
        var path = Path.Combine(_folder, "in.y4m");
        using (var file = File.Create(path))
        {
            file.Write("YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420jpeg\n"u8);
            for (var i = 0; i < 10; i++)
            {
                file.Write("FRAME\n"u8);
                file.Write(new byte[12]);
            }
        }

        Assert.Equal(TimeSpan.FromSeconds(0.4), MediaDuration.Of(Source("y4m-file", path)));
    }

    [Fact]
    public void Media_duration_must_be_unknown_for_a_missing_file()
    {
        Assert.Null(MediaDuration.Of(Source("wav-file", Path.Combine(_folder, "missing.wav"))));
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

    private static AudioFrame Tone(int index) =>
        new(new float[320], 16000, 1, index, TimeSpan.FromMilliseconds(20 * index));

    private static LogEvent Event(string message) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Warning, null, new MessageTemplateParser().Parse(message), []);

    private static PipelineEndpoint Source(string type, string path) =>
        new(type, Akka.Configuration.ConfigurationFactory.ParseString($"path = \"{path.Replace("\\", "\\\\", StringComparison.Ordinal)}\""), typeof(object), null, null);
}
