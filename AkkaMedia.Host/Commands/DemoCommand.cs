using System.CommandLine;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using AkkaMedia.Host.Admin;
using AkkaMedia.Host.Demo;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Host.Http;
using AkkaMedia.Host.Logs;
using AkkaMedia.Host.Telemetry;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia demo</c>: runs the demo pipeline in this process over generated speech-like audio or a
/// WAV file, writes the result and prints what went through. Exit code 0 on success, 1 when the
/// input cannot be read or the output cannot be written (the reason goes to standard error).
/// </summary>
internal static class DemoCommand
{
    private static readonly Config QuietLogging = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    public static Command Create()
    {
        var input = new Option<string?>("--input", "-i")
        {
            Description = "WAV file to process (16/24-bit PCM or 32-bit float). Without it, speech-like audio is generated.",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "WAV file to write (16 kHz, 16-bit PCM).",
            DefaultValueFactory = _ => "demo-output.wav",
        };
        var duration = new Option<double>("--duration")
        {
            Description = "Seconds of audio to generate when no --input is given.",
            DefaultValueFactory = _ => 5.0,
        };
        CommonOptions.Require(duration, seconds => seconds > 0 && seconds <= 3600, "--duration must be a number of seconds between 0 and 3600, e.g. --duration 5.");
        var local = new Option<bool>("--local")
        {
            Description = "Run the echo stage in-process instead of on the embedded executor node.",
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the generated audio.",
            DefaultValueFactory = _ => 1,
        };

        var adminPort = CommonOptions.AdminPort();
        var httpPort = CommonOptions.HttpPort("On the embedded executor node, while the demo runs; not with --local. Default: off.");
        var httpHostname = CommonOptions.HttpHostname("Default: 127.0.0.1.");
        var logFormat = CommonOptions.LogFormat();
        var command = new Command(
            "demo",
            "Run source → gain → echo (on an executor node started in this process, over loopback remoting) → resample to 16 kHz → WAV file, with voice-activity detection on the resampled audio, and report frames, durations, speed and speech/silence counts.")
        {
            input,
            output,
            duration,
            seed,
            local,
            adminPort,
            httpPort,
            httpHostname,
            logFormat,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new DemoOptions(
                parseResult.GetValue(input),
                parseResult.GetValue(output)!,
                TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                parseResult.GetValue(seed),
                parseResult.GetValue(local))
            {
                AdminPort = parseResult.GetValue(adminPort),
                HttpPort = parseResult.GetValue(httpPort),
                HttpHostname = parseResult.GetValue(httpHostname),
                LogFormat = parseResult.GetValue(logFormat) ?? LogFormat.Text,
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs the demo and reports to <paramref name="stdout"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(DemoOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        EmbeddedCluster? cluster = null;
        ActorSystem? local = null;
        AdminServer? admin = null;
        HttpServer? http = null;
        using var log = HostLog.Create(options.LogFormat, stderr);
        using var export = OtlpExport.Start(TelemetrySettings.Create(Config.Empty), "demo", stderr);
        try
        {
            ActorSystem system;
            Akka.Streams.Dsl.Flow<Frames.AudioFrame, Frames.AudioFrame, Akka.NotUsed> echo;
            string where;
            if (options.LocalEcho)
            {
                system = local = log.CreateSystem("akkamedia-demo", QuietLogging);
                echo = DemoPipeline.LocalEcho();
                where = "in this process";
            }
            else
            {
                cluster = await EmbeddedCluster.StartAsync(log, cancellationToken);
                system = cluster.Client;
                echo = DemoPipeline.RemoteEcho();
                where = $"on executor {cluster.ExecutorAddress} (embedded node, loopback remoting)";
            }

            var source = options.Input is null
                ? $"speech-like audio ({options.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s at {DemoPipeline.GeneratedSampleRate} Hz)"
                : $"'{options.Input}'";
            await stdout.WriteLineAsync(
                $"demo: {source} → Gain({DemoPipeline.Gain}) → Echo({DemoPipeline.EchoDelay.TotalMilliseconds} ms, {DemoPipeline.EchoDecay}) → " +
                $"Resample({DemoPipeline.OutputSampleRate} Hz) → '{options.Output}', VAD on the resampled frames");
            await stdout.WriteLineAsync($"echo stage:       {where}");
            if (cluster is not null)
            {
                admin = await StartAdminAsync(cluster.ExecutorNode, options, stdout, stderr);
                if (options.HttpPort is not null || HttpSettings.Create(cluster.ExecutorNode.Settings.Config).Enabled)
                {
                    http = await StartHttpAsync(cluster.ExecutorNode, options, stderr, cancellationToken);
                    if (http is null)
                    {
                        return 1;
                    }

                    await stdout.WriteLineAsync($"http endpoints:   {http.Url} (/healthz, /readyz, /metrics)");
                    await stdout.WriteLineAsync($"HTTP {http.Url}");
                }
            }

            var report = await DemoPipeline.RunAsync(options, system.Materializer(), echo, cancellationToken);
            await stdout.WriteLineAsync(Format(report));
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("demo: cancelled.");
            return 1;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"demo failed: {e.Message}");
            return 1;
        }
        finally
        {
            if (http is not null)
            {
                await http.DisposeAsync();
            }

            if (admin is not null)
            {
                await admin.DisposeAsync();
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            if (local is not null)
            {
                await local.Terminate();
            }
        }
    }

    /// <summary>The admin server of the embedded executor node, or null (with a warning) when it cannot listen: the demo runs anyway.</summary>
    private static async Task<AdminServer?> StartAdminAsync(ActorSystem executorNode, DemoOptions options, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var settings = AdminSettings.Create(executorNode.Settings.Config);
            if (!settings.Enabled)
            {
                return null;
            }

            var admin = AdminServer.Start(executorNode, options.AdminPort is { } port ? settings with { Port = port } : settings);
            await stdout.WriteLineAsync($"admin server:     {admin.Endpoint} (akkamedia cmd --port {admin.Endpoint.Port} media sessions)");
            return admin;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            await stderr.WriteLineAsync($"demo: admin server not started: {e.Message}");
            return null;
        }
    }

    /// <summary>The HTTP endpoints of the embedded executor node, or null after a one-line error (port in use, bad address).</summary>
    private static async Task<HttpServer?> StartHttpAsync(ActorSystem executorNode, DemoOptions options, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            var settings = HttpSettings.Create(executorNode.Settings.Config);
            settings = settings with
            {
                Port = options.HttpPort ?? settings.Port,
                Hostname = options.HttpHostname ?? settings.Hostname,
            };
            return await HttpServer.StartAsync(executorNode, settings, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            await stderr.WriteLineAsync($"demo: {e.Message}");
            return null;
        }
    }

    private static string Format(DemoReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var rtf = report.RealTimeFactor;
        var speed = rtf > 0 ? string.Create(c, $" ({1 / rtf:0.#}x faster than real time)") : string.Empty;
        return string.Join(Environment.NewLine,
            string.Create(c, $"frames in:        {report.FramesIn} ({report.InputDuration.TotalSeconds:0.000} s, {report.InputFormat})"),
            string.Create(c, $"frames out:       {report.FramesOut} ({report.OutputDuration.TotalSeconds:0.000} s, {report.OutputFormat})"),
            string.Create(c, $"audio duration:   {report.OutputDuration.TotalSeconds:0.000} s written"),
            string.Create(c, $"wall time:        {report.WallTime.TotalMilliseconds:0} ms"),
            string.Create(c, $"real-time factor: {rtf:0.0000}{speed}"),
            string.Create(c, $"VAD:              {report.SpeechFrames} speech / {report.SilenceFrames} silence frames"));
    }
}
