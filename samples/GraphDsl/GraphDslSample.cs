using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Common;

namespace AkkaMedia.Samples;

/// <summary>
/// The GraphDsl sample: microphone-like audio fans out to a remote Echo, the dry signal and a local
/// VAD, and is zipped back by sequence number (<see cref="EchoVadGraph"/>); the echoed audio goes to a
/// WAV file. Exit code 0 only when the frame counts, the file and the echo itself check out.
/// </summary>
internal static class GraphDslSample
{
    public const int SampleRate = 48000;
    public const int SamplesPerFrame = 960;
    public const float EchoDecay = 0.5f;
    public static readonly TimeSpan EchoDelay = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan FrameDuration = TimeSpan.FromTicks(SamplesPerFrame * TimeSpan.TicksPerSecond / SampleRate);

    /// <summary>Parses <paramref name="args"/>, runs the sample and returns the process exit code (0 ok, 1 failed or bad arguments).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var seeds = new Option<string[]>("--seeds")
        {
            Description = "Join the cluster at these seed nodes (host:port or akka.tcp://media@host:port, comma- or space-separated) and run the echo on its least-loaded executor. Without it, an executor node is started in this process (a second actor system, reached over loopback remoting).",
            AllowMultipleArgumentsPerToken = true,
        };
        seeds.Validators.Add(result =>
        {
            foreach (var seed in SplitSeeds(result.GetValueOrDefault<string[]>()))
            {
                if (!ExecutorConnection.TryNormalizeSeed(seed, out _, out var error))
                {
                    result.AddError(error);
                }
            }
        });
        var hostname = new Option<string>("--hostname")
        {
            Description = "With --seeds: the address this client binds and the executors call back on.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "WAV file for the echoed audio (48 kHz, 16-bit PCM).",
            DefaultValueFactory = _ => "graphdsl-output.wav",
        };
        var duration = new Option<double>("--duration")
        {
            Description = "Seconds of speech-like audio to generate.",
            DefaultValueFactory = _ => 5.0,
        };
        duration.Validators.Add(result =>
        {
            var seconds = result.GetValueOrDefault<double>();
            if (!(seconds >= 0.5 && seconds <= 3600))
            {
                result.AddError("--duration must be between 0.5 and 3600 seconds, e.g. --duration 5 (the echo check needs more audio than the 250 ms delay).");
            }
        });
        var connectTimeout = new Option<double>("--connect-timeout")
        {
            Description = "Seconds to wait for an executor to be up and reachable before giving up.",
            DefaultValueFactory = _ => 20.0,
        };
        connectTimeout.Validators.Add(result =>
        {
            var seconds = result.GetValueOrDefault<double>();
            if (!(seconds >= 1 && seconds <= 600))
            {
                result.AddError("--connect-timeout must be between 1 and 600 seconds, e.g. --connect-timeout 20.");
            }
        });
        var realtime = new Option<bool>("--realtime")
        {
            Description = "Pace the source to real time (one 20 ms frame every 20 ms), like a microphone. Unpaced by default.",
        };

        var root = new RootCommand("GraphDsl sample: speech-like audio → Broadcast → [remote Echo → WAV | local VAD] → ZipWith by sequence number.")
        {
            seeds, hostname, output, duration, realtime, connectTimeout,
        };
        root.SetAction((parseResult, token) =>
        {
            return RunAsync(
                SplitSeeds(parseResult.GetValue(seeds)),
                parseResult.GetValue(hostname)!,
                parseResult.GetValue(output)!,
                TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                parseResult.GetValue(realtime),
                TimeSpan.FromSeconds(parseResult.GetValue(connectTimeout)),
                stdout,
                stderr,
                token);
        });

        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr };
        return root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    private static async Task<int> RunAsync(
        IReadOnlyList<string> seeds, string hostname, string output, TimeSpan duration, bool realtime, TimeSpan connectTimeout,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        var started = Stopwatch.GetTimestamp();
        ExecutorConnection? connection = null;
        try
        {
            connection = seeds.Count > 0
                ? await ExecutorConnection.JoinAsync(seeds, hostname, connectTimeout, cancellationToken)
                : await ExecutorConnection.StartInProcessAsync(connectTimeout, cancellationToken);
            var connected = Stopwatch.GetElapsedTime(started);
            var pacing = realtime ? "paced to real time" : "unpaced";
            await stdout.WriteLineAsync(string.Create(c,
                $"graphdsl: {duration.TotalSeconds:0.###} s of speech-like audio at {SampleRate} Hz in 20 ms frames ({pacing}) → Broadcast → [remote Echo({EchoDelay.TotalMilliseconds:0} ms, {EchoDecay}) → '{output}' | dry | local VAD] → ZipWith by sequence number"));
            await stdout.WriteLineAsync($"echo runs on:   {connection.ExecutorAddress} ({(connection.IsInProcess ? "in-process executor node, " : string.Empty)}{connection.Origin})");

            var pipelineStarted = Stopwatch.GetTimestamp();
            var check = await RunPipelineAsync(connection, output, duration, realtime, cancellationToken);
            var pipelineTime = Stopwatch.GetElapsedTime(pipelineStarted);
            var file = await ReadBackAsync(connection, output);

            var expectedFrames = (SpeechSamples(duration) + SamplesPerFrame - 1) / SamplesPerFrame;
            var delaySamples = DelaySamples();
            var problems = check.Problems(expectedFrames, EchoDecay).ToList();
            if (file.Samples != check.SamplesIn + delaySamples || file.SampleRate != SampleRate || file.Channels != 1)
            {
                problems.Add(string.Create(c,
                    $"'{output}' should hold {check.SamplesIn + delaySamples} samples at {SampleRate} Hz, mono (input plus the echo tail), but holds {file.Samples} at {file.SampleRate} Hz, {file.Channels} ch."));
            }

            await stdout.WriteLineAsync(string.Join(Environment.NewLine,
                string.Create(c, $"frames in:      {check.FramesIn} ({(double)check.SamplesIn / SampleRate:0.000} s)"),
                string.Create(c, $"frames echoed:  {check.EchoedFrames} ({check.EchoedFrames - check.TailFrames} + {check.TailFrames} tail of {(double)check.TailSamples / SampleRate * 1000:0} ms)"),
                string.Create(c, $"VAD:            {check.SpeechFrames} speech / {check.SilenceFrames} silence frames"),
                string.Create(c, $"echo check:     gain {check.EstimatedDecay:0.0000} at {EchoDelay.TotalMilliseconds:0} ms (expected {EchoDecay}), correlation {check.Correlation:0.0000}"),
                string.Create(c, $"output:         '{output}', {file.Samples} samples ({(double)file.Samples / SampleRate:0.000} s, {file.SampleRate} Hz, {file.Channels} ch)"),
                string.Create(c, $"wall time:      {pipelineTime.TotalMilliseconds:0} ms pipeline, {connected.TotalMilliseconds:0} ms to reach the executor")));

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await stderr.WriteLineAsync($"graphdsl: FAILED: {problem}");
                }

                return 1;
            }

            await stdout.WriteLineAsync("graphdsl: OK");
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("graphdsl: cancelled.");
            return 1;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"graphdsl: FAILED: {Describe(e)}");
            return 1;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<EchoCheck> RunPipelineAsync(ExecutorConnection connection, string output, TimeSpan duration, bool realtime, CancellationToken cancellationToken)
    {
        var source = NodeFlow.CreateSource(() => new SpeechLikeSource(duration, SampleRate, SamplesPerFrame));
        if (realtime)
        {
            source = source.Throttle(1, FrameDuration, 1, ThrottleMode.Shaping);
        }

        var settings = string.Create(CultureInfo.InvariantCulture, $"delay = {EchoDelay.TotalMilliseconds}ms, decay = {EchoDecay}");
        var echo = RemoteNode.Flow<AudioFrame, AudioFrame>("Echo", settings, new RemoteStageOptions { Executor = connection.ExecutorAddress })
            .Via(NodeFlow.Create(() => new WavFileSink(output, WavSampleFormat.Pcm16)));
        var vad = NodeFlow.Create(() => new VadNode());

        var (killSwitch, done) = source
            .ViaMaterialized(KillSwitches.Single<AudioFrame>(), Keep.Right)
            .Via(EchoVadGraph.Create(echo, vad))
            .ToMaterialized(Sink.Aggregate<EchoedFrame, EchoCheck>(new EchoCheck((int)DelaySamples()), static (check, frame) => check.Add(frame)), Keep.Both)
            .Run(connection.Client.Materializer());

        await using var registration = cancellationToken.Register(() => killSwitch.Abort(new OperationCanceledException(cancellationToken)));
        return await done;
    }

    private static Task<(long Samples, int SampleRate, int Channels)> ReadBackAsync(ExecutorConnection connection, string path) =>
        NodeFlow.CreateSource(() => new WavFileSource(path, SampleRate / 10))
            .RunAggregate(
                (Samples: 0L, SampleRate: 0, Channels: 0),
                static (total, frame) => (total.Samples + frame.SamplesPerChannel, frame.SampleRate, frame.Channels),
                connection.Client.Materializer());

    private static List<string> SplitSeeds(string[]? values) =>
        (values ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static long SpeechSamples(TimeSpan duration) => (long)Math.Round(duration.TotalSeconds * SampleRate, MidpointRounding.AwayFromZero);

    private static long DelaySamples() => (long)Math.Round(EchoDelay.TotalSeconds * SampleRate, MidpointRounding.AwayFromZero);

    private static string Describe(Exception e)
    {
        var root = e is AggregateException aggregate ? aggregate.GetBaseException() : e;
        return root.InnerException is { } inner && root is NodeException ? $"{root.Message} ({inner.Message})" : root.Message;
    }
}
