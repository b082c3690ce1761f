using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Akka.Streams;
using AkkaMedia.Deployment;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Common;
using EchoEffects;

namespace AkkaMedia.Samples.RemoteAudioEcho;

/// <summary>
/// The RemoteAudioEcho sample: audio from a WAV file (or generated speech-like audio) streams through an
/// <see cref="AudioEchoEffect"/> (the user's node, in EchoEffects.dll) running on an executor that has never
/// seen it (<see cref="RemoteObject.Flow{TIn,TOut}"/>), into a 32-bit float WAV file. Exit code 0 only when
/// the file holds, sample for sample, the feedback echo of the input as this program computes it itself.
/// </summary>
internal static class RemoteAudioEchoSample
{
    private const string Name = "remoteaudioecho";
    private const int GeneratedRate = 48000;
    private const int SamplesPerFrame = 960;
    private const double Tolerance = 1e-6; // float WAV: the same float arithmetic gives the same samples

    /// <summary>Parses <paramref name="args"/>, runs the sample and returns the process exit code (0 ok, 1 failed or bad arguments).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var input = new Option<string?>("--input", "-i") { Description = "WAV file to echo (PCM or float, any rate and channel count). Without it, speech-like audio is generated." };
        var output = new Option<string>("--output", "-o") { Description = "WAV file for the echoed audio (32-bit float, the input's rate and channels).", DefaultValueFactory = _ => "echo-output.wav" };
        var duration = new Option<double>("--duration") { Description = "Without --input: seconds of speech-like audio to generate (48 kHz mono).", DefaultValueFactory = _ => 3.0 };
        duration.Validators.Add(result => Range(result, 0.1, 600, "--duration 3"));
        var delay = new Option<double>("--delay") { Description = "Milliseconds between repeats.", DefaultValueFactory = _ => 300.0 };
        delay.Validators.Add(result => Range(result, 1, 10_000, "--delay 300"));
        var feedback = new Option<float>("--feedback") { Description = "Level of each repeat relative to the one before (0 to 0.95).", DefaultValueFactory = _ => 0.5f };
        feedback.Validators.Add(result => Range(result, 0, 0.95, "--feedback 0.5"));
        var tail = new Option<double>("--tail") { Description = "Milliseconds the echo rings on after the input ends.", DefaultValueFactory = _ => 1500.0 };
        tail.Validators.Add(result => Range(result, 0, 60_000, "--tail 1500"));

        return new SampleCommand(Name, "RemoteAudioEcho sample: stream audio through a user-written echo node on an executor, from a WAV file to a WAV file, and check the echo.")
            .Add(input).Add(output).Add(duration).Add(delay).Add(feedback).Add(tail)
            .RunAsync(args, stdout, stderr, run => RunAsync(
                run,
                run.Get(input),
                run.Get(output),
                TimeSpan.FromSeconds(run.Get(duration)),
                TimeSpan.FromMilliseconds(run.Get(delay)),
                run.Get(feedback),
                TimeSpan.FromMilliseconds(run.Get(tail))), cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> RunAsync(SampleRun run, string? input, string output, TimeSpan duration, TimeSpan delay, float feedback, TimeSpan tail)
    {
        var c = CultureInfo.InvariantCulture;
        var source = input is null ? string.Create(c, $"{duration.TotalSeconds:0.###} s of generated speech-like audio") : $"'{input}'";
        await run.WriteHeadlineAsync(string.Create(c,
            $"{source} → remote {nameof(AudioEchoEffect)}(delay {delay.TotalMilliseconds:0} ms, feedback {feedback}, tail {tail.TotalMilliseconds:0} ms) via RemoteObject.Flow → '{output}'"));

        var package = DependencyAnalyzer.Analyze(typeof(AudioEchoEffect).Assembly);
        await run.WritePackageAsync(package);

        var materializer = run.Connection.Client.Materializer();
        var effect = new AudioEchoEffect(delay, feedback, tail);
        var started = Stopwatch.GetTimestamp();
        var framesOut = await Read(input, duration)
            .Via(RemoteObject.Flow(effect, new RemoteStageOptions { Executor = run.Connection.ExecutorAddress }))
            .Via(NodeFlow.Create(() => new WavFileSink(output, WavSampleFormat.Float32)))
            .RunAggregate(0L, static (count, _) => count + 1, materializer);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var dry = await ReadAllAsync(Read(input, duration), materializer);
        var wet = await ReadAllAsync(Read(output, duration), materializer);
        await run.WriteAsync("input", string.Create(c, $"{dry.Samples.Length / dry.Channels} samples per channel ({dry.Seconds:0.000} s, {dry.SampleRate} Hz, {dry.Channels} ch)"));
        await run.WriteAsync("streamed", string.Create(c, $"{framesOut} frames back from the executor in {elapsed.TotalMilliseconds:0} ms"));
        await run.WriteAsync("output", string.Create(c, $"'{output}', {wet.Samples.Length / Math.Max(1, wet.Channels)} samples per channel ({wet.Seconds:0.000} s, {wet.SampleRate} Hz, {wet.Channels} ch, 32-bit float)"));

        var problems = new List<string>();
        var expected = Echo(dry, delay, feedback, tail);
        if (wet.SampleRate != dry.SampleRate || wet.Channels != dry.Channels || wet.Samples.Length != expected.Length)
        {
            problems.Add(string.Create(c,
                $"'{output}' should hold {expected.Length / dry.Channels} samples per channel at {dry.SampleRate} Hz, {dry.Channels} ch (the input plus {tail.TotalMilliseconds:0} ms of tail), but holds {wet.Samples.Length / Math.Max(1, wet.Channels)} at {wet.SampleRate} Hz, {wet.Channels} ch."));
        }
        else
        {
            var (worst, at) = LargestDifference(wet.Samples, expected);
            var echoEnergy = expected.Select((y, i) => i < dry.Samples.Length ? y - dry.Samples[i] : y).Sum(static e => (double)e * e);
            await run.WriteAsync("echo check", string.Create(c,
                $"{expected.Length} samples compared with the echo computed here: largest difference {worst:0.###e+0} (allowed {Tolerance:0e+0}), echo energy {echoEnergy:0.0}"));
            if (worst > Tolerance)
            {
                problems.Add(string.Create(c, $"Sample {at} of '{output}' differs from the echo computed here by {worst} (allowed {Tolerance})."));
            }

            if (echoEnergy <= 0)
            {
                problems.Add("The input is silent, so the echo proves nothing: give an --input with sound in it.");
            }
        }

        problems.AddRange(await run.CheckLoadedFromPackageAsync(package));
        return problems;
    }

    /// <summary>The input frames: the WAV file at <paramref name="path"/>, or generated speech-like audio when it is null.</summary>
    private static Akka.Streams.Dsl.Source<AudioFrame, Akka.NotUsed> Read(string? path, TimeSpan duration) => path is null
        ? NodeFlow.CreateSource(() => new SpeechLikeSource(duration, GeneratedRate, SamplesPerFrame))
        : NodeFlow.CreateSource(() => new WavFileSource(path, SamplesPerFrame));

    private static async Task<Audio> ReadAllAsync(Akka.Streams.Dsl.Source<AudioFrame, Akka.NotUsed> source, IMaterializer materializer)
    {
        var (samples, rate, channels) = await source.RunAggregate(
            (Samples: new List<float>(), Rate: 0, Channels: 0),
            static (all, frame) =>
            {
                all.Samples.AddRange(frame.Samples.ToArray());
                return (all.Samples, frame.SampleRate, frame.Channels);
            },
            materializer);
        return new Audio(samples.ToArray(), rate, channels);
    }

    /// <summary>
    /// The feedback echo of <paramref name="dry"/>, computed directly from its definition over the whole
    /// signal: <c>y[n] = x[n] + feedback × y[n − D]</c> per channel, with x = 0 past the end of the input for
    /// the tail.
    /// </summary>
    private static float[] Echo(Audio dry, TimeSpan delay, float feedback, TimeSpan tail)
    {
        var channels = Math.Max(1, dry.Channels);
        var delayOffset = (int)Math.Max(1, Math.Round(delay.TotalSeconds * dry.SampleRate, MidpointRounding.AwayFromZero)) * channels;
        var tailSamples = (int)Math.Round(tail.TotalSeconds * dry.SampleRate, MidpointRounding.AwayFromZero) * channels;
        var y = new float[dry.Samples.Length + tailSamples];
        for (var n = 0; n < y.Length; n++)
        {
            var x = n < dry.Samples.Length ? dry.Samples[n] : 0f;
            y[n] = n >= delayOffset ? x + (feedback * y[n - delayOffset]) : x;
        }

        return y;
    }

    private static (double Worst, int At) LargestDifference(float[] actual, float[] expected)
    {
        var (worst, at) = (0.0, 0);
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs((double)actual[i] - expected[i]);
            if (difference > worst)
            {
                (worst, at) = (difference, i);
            }
        }

        return (worst, at);
    }

    private static void Range(System.CommandLine.Parsing.OptionResult result, double min, double max, string example)
    {
        var value = Convert.ToDouble(result.GetValueOrDefault<object>(), CultureInfo.InvariantCulture);
        if (!(value >= min && value <= max))
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{result.Option.Name} must be between {min} and {max}, e.g. {example}."));
        }
    }

    /// <summary>A whole WAV file's interleaved samples and format.</summary>
    private sealed record Audio(float[] Samples, int SampleRate, int Channels)
    {
        public double Seconds => SampleRate == 0 ? 0 : (double)Samples.Length / Channels / SampleRate;
    }
}
