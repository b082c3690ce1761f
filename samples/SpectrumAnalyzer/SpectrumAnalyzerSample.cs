using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Deployment;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Common;
using SpectrumNodes;

namespace AkkaMedia.Samples.SpectrumAnalyzer;

/// <summary>
/// The SpectrumAnalyzer sample: a <see cref="PeakFrequencyNode"/> (the user's node, in SpectrumNodes.dll) computes
/// an FFT per frame with MathNet.Numerics, a mainstream library that does what the strict in-process reference check
/// refuses (it reads an environment variable, creates instances by reflection, loads assemblies by name). It ships
/// with <see cref="RemoteObject.Flow{TIn,TOut}"/> to an executor that runs shipped code in sandboxed worker processes
/// (<c>akkamedia node --isolation process</c>; on its own, the sample starts such an executor in its process).
/// Exit code 0 only when MathNet.Numerics shipped and every frame's peak comes back within 2 Hz of the tone played.
/// </summary>
internal static partial class SpectrumAnalyzerSample
{
    private const string Name = "spectrumanalyzer";
    private const int SampleRate = 48000;
    private const int SamplesPerFrame = 2048; // 42.7 ms; a power of two for the FFT
    private const int FramesPerTone = 8;
    private const float Amplitude = 0.5f;
    private const double Tolerance = 2.0; // Hz

    /// <summary>The tones played one after the other, in Hz; none on a bin centre.</summary>
    private static readonly double[] Tones = [440.0, 1234.5, 2500.0, 7777.7];

    /// <summary>Parses <paramref name="args"/>, runs the sample and returns the process exit code (0 ok, 1 failed or bad arguments).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        new SampleCommand(Name, "SpectrumAnalyzer sample: stream an FFT node built on MathNet.Numerics on an executor that runs shipped code in sandboxed worker processes (akkamedia node --isolation process).")
        {
            ExecutorConfig = "akka-media.executor.isolation = process",
        }.RunAsync(args, stdout, stderr, RunAsync, cancellationToken);

    private static async Task<IReadOnlyList<string>> RunAsync(SampleRun run)
    {
        var c = CultureInfo.InvariantCulture;
        var frames = ToneFrames();
        await run.WriteHeadlineAsync(string.Create(c,
            $"{Tones.Length} tones × {FramesPerTone} frames of {SamplesPerFrame} samples at {SampleRate} Hz → remote {nameof(PeakFrequencyNode)} (MathNet.Numerics FFT, RemoteObject.Flow) → the peak of each frame"));

        var package = DependencyAnalyzer.Analyze(typeof(PeakFrequencyNode).Assembly);
        await run.WritePackageAsync(package);

        var peaks = await Source.From(frames)
            .Via(RemoteObject.Flow(new PeakFrequencyNode(), new RemoteStageOptions { Executor = run.Connection.ExecutorAddress }))
            .RunWith(Sink.Seq<TextFrame>(), run.Connection.Client.Materializer());

        var problems = new List<string>();
        if (!package.Entries.Any(e => e.Name == "MathNet.Numerics"))
        {
            problems.Add("MathNet.Numerics.dll should be part of the shipped package, but is not.");
        }

        if (peaks.Count != frames.Count)
        {
            problems.Add($"{frames.Count} frames went in, but {peaks.Count} peak(s) came back.");
        }

        for (var tone = 0; tone < Tones.Length; tone++)
        {
            var heard = peaks.Skip(tone * FramesPerTone).Take(FramesPerTone).Select(p => (p.Sequence, Match: PeakLine().Match(p.Text))).ToList();
            var hz = heard.Where(h => h.Match.Success).Select(h => double.Parse(h.Match.Groups["hz"].Value, c)).ToList();
            await run.WriteAsync("heard", hz.Count == 0
                ? string.Create(c, $"tone {tone + 1}: {Tones[tone]:0.0} Hz played, no peak heard")
                : string.Create(c, $"tone {tone + 1}: {Tones[tone]:0.0} Hz played, peaks {hz.Min():0.0}–{hz.Max():0.0} Hz over {hz.Count} frames"));
            foreach (var (sequence, match) in heard)
            {
                var expected = (tone * FramesPerTone) + heard.FindIndex(h => h.Sequence == sequence);
                if (sequence != expected || !match.Success || Math.Abs(double.Parse(match.Groups["hz"].Value, c) - Tones[tone]) > Tolerance)
                {
                    problems.Add(string.Create(c, $"Frame {expected} should say \"peak {Tones[tone]:0.0} Hz\" (±{Tolerance} Hz), got \"{peaks[(int)Math.Min(expected, peaks.Count - 1)].Text}\" (sequence {sequence})."));
                }
            }
        }

        problems.AddRange(await run.CheckLoadedInWorkerAsync(package));
        return problems;
    }

    /// <summary>The tones as frames: steady sines, numbered and stamped.</summary>
    private static List<AudioFrame> ToneFrames()
    {
        var frames = new List<AudioFrame>();
        long sample = 0;
        foreach (var tone in Tones)
        {
            for (var f = 0; f < FramesPerTone; f++)
            {
                var samples = new float[SamplesPerFrame];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = Amplitude * (float)Math.Sin(2 * Math.PI * tone * (sample + i) / SampleRate);
                }

                frames.Add(new AudioFrame(samples, SampleRate, 1, frames.Count, TimeSpan.FromTicks(sample * TimeSpan.TicksPerSecond / SampleRate)));
                sample += SamplesPerFrame;
            }
        }

        return frames;
    }

    [GeneratedRegex(@"^peak (?<hz>\d+(\.\d+)?) Hz$")]
    private static partial Regex PeakLine();
}
