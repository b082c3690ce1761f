using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Deployment;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Common;
using NoteTranscriber;

namespace AkkaMedia.Samples.CustomDependencies;

/// <summary>
/// The CustomDependencies sample: a <see cref="NoteTranscriberNode"/> (the user's node, in NoteTranscriber.dll)
/// needs a second local library (CustomMath.dll: the FFT and note names) and a NuGet package the executor does
/// not reference (Fractions: exact interval ratios). All three ship with <see cref="RemoteObject.Flow{TIn,TOut}"/>,
/// and the node transcribes a melody generated here. Exit code 0 only when the package holds all three and every
/// note comes back with the name, pitch, length and intervals this program put into the melody.
/// </summary>
internal static partial class CustomDependenciesSample
{
    private const string Name = "customdependencies";
    private const int SampleRate = 48000;
    private const int SamplesPerFrame = 2400; // 50 ms: one analysis block per frame
    private const float Amplitude = 0.5f;
    private const double FrequencyTolerance = 1.0; // Hz

    /// <summary>
    /// The melody: an A major arpeggio, each note a whole number of 50 ms frames, with what the transcription
    /// must say of it after its pitch: its length and its just interval from the note before and from the first.
    /// </summary>
    private static readonly IReadOnlyList<Note> Melody =
    [
        new("A4", 440.000, 10, "500 ms"),
        new("C#5", 554.365, 10, "500 ms, major third up (5/4), 5/4 from note 1"),
        new("E5", 659.255, 10, "500 ms, minor third up (6/5), 3/2 from note 1"),
        new("A5", 880.000, 20, "1000 ms, perfect fourth up (4/3), 2/1 from note 1"),
    ];

    /// <summary>Parses <paramref name="args"/>, runs the sample and returns the process exit code (0 ok, 1 failed or bad arguments).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        new SampleCommand(Name, "CustomDependencies sample: stream a note-transcribing node that needs a local library and a NuGet package on an executor that has neither.")
            .RunAsync(args, stdout, stderr, RunAsync, cancellationToken);

    private static async Task<IReadOnlyList<string>> RunAsync(SampleRun run)
    {
        var c = CultureInfo.InvariantCulture;
        var frames = MelodyFrames();
        await run.WriteHeadlineAsync(string.Create(c,
            $"a melody of {Melody.Count} notes ({frames.Count} frames of {SamplesPerFrame * 1000 / SampleRate} ms at {SampleRate} Hz) → remote {nameof(NoteTranscriberNode)} (RemoteObject.Flow) → one line per note"));

        var package = DependencyAnalyzer.Analyze(typeof(NoteTranscriberNode).Assembly);
        await run.WritePackageAsync(package);

        var node = new NoteTranscriberNode();
        var lines = await Source.From(frames)
            .Via(RemoteObject.Flow(node, new RemoteStageOptions { Executor = run.Connection.ExecutorAddress }))
            .RunWith(Sink.Seq<TextFrame>(), run.Connection.Client.Materializer());
        foreach (var line in lines)
        {
            await run.WriteAsync("heard", string.Create(c, $"{line.Text} (from {line.Timestamp.TotalSeconds:0.00} s)"));
        }

        var problems = new List<string>();
        foreach (var expected in new[] { "NoteTranscriber", "CustomMath", "Fractions" })
        {
            if (!package.Entries.Any(e => e.Name == expected))
            {
                problems.Add($"{expected}.dll should be part of the shipped package, but is not.");
            }
        }

        if (lines.Count != Melody.Count)
        {
            problems.Add($"The melody has {Melody.Count} notes, but the node wrote {lines.Count} line(s).");
        }

        foreach (var ((line, expected), number) in lines.Zip(Melody).Select((pair, i) => (pair, i + 1)))
        {
            var match = NoteLine().Match(line.Text);
            if (!match.Success
                || match.Groups["number"].Value != number.ToString(c)
                || match.Groups["name"].Value != expected.Name
                || Math.Abs(double.Parse(match.Groups["hz"].Value, c) - expected.Frequency) > FrequencyTolerance
                || match.Groups["rest"].Value != expected.Rest)
            {
                problems.Add(string.Create(c,
                    $"Expected \"note {number}: {expected.Name}, {expected.Frequency:0.0} Hz (±{FrequencyTolerance}), {expected.Rest}\", got \"{line.Text}\"."));
            }
        }

        problems.AddRange(await run.CheckLoadedFromPackageAsync(package));
        return problems;
    }

    /// <summary>The melody as frames: steady sine tones, each a whole number of frames long, numbered and stamped.</summary>
    private static List<AudioFrame> MelodyFrames()
    {
        var frames = new List<AudioFrame>();
        long sample = 0;
        foreach (var note in Melody)
        {
            for (var f = 0; f < note.Frames; f++)
            {
                var samples = new float[SamplesPerFrame];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = Amplitude * (float)Math.Sin(2 * Math.PI * note.Frequency * (sample + i) / SampleRate);
                }

                frames.Add(new AudioFrame(samples, SampleRate, 1, frames.Count, TimeSpan.FromTicks(sample * TimeSpan.TicksPerSecond / SampleRate)));
                sample += SamplesPerFrame;
            }
        }

        return frames;
    }

    [GeneratedRegex(@"^note (?<number>\d+): (?<name>[A-G]#?-?\d+), (?<hz>\d+(\.\d+)?) Hz, (?<rest>.+)$")]
    private static partial Regex NoteLine();

    /// <summary>One note of the melody and what its line must say after the pitch.</summary>
    private sealed record Note(string Name, double Frequency, int Frames, string Rest);
}
