using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Models;
using AkkaMedia.Speech.Vad;
using Xunit.Abstractions;

namespace AkkaMedia.Speech.Tests;

public sealed class SileroVadSpec(ITestOutputHelper output)
{
    [Fact]
    public void Segments_must_match_spoken_sentences_within_100ms_with_a_frame_F1_of_at_least_0_9()
    {
        // Three sentences with low noise (−50 dBFS RMS) between them and around them.
        var gaps = new[] { 1.0, 1.2, 1.5, 1.0 };
        var audio = new List<float>();
        var truth = new List<(double Start, double End)>();
        for (var i = 0; i < 3; i++)
        {
            audio.AddRange(Speech.Noise(TimeSpan.FromSeconds(gaps[i]), 0.003f, i));
            var speech = Speech.Say(Speech.Sentences[i + 1]);
            var (first, last) = Speech.Voiced(speech);
            truth.Add(((audio.Count + first) / (double)Speech.Rate, (audio.Count + last) / (double)Speech.Rate));
            var noise = Speech.Noise(TimeSpan.FromSeconds((double)speech.Length / Speech.Rate), 0.003f, 10 + i);
            audio.AddRange(speech.Select((s, n) => s + noise[n]));
        }

        audio.AddRange(Speech.Noise(TimeSpan.FromSeconds(gaps[3]), 0.003f, 99));
        var segments = Run(new SileroVadNode(), audio.ToArray()).OfType<SpeechSegment>().ToList();

        foreach (var s in segments)
        {
            output.WriteLine($"detected {s.Start.TotalSeconds:0.000}–{s.End.TotalSeconds:0.000}");
        }

        foreach (var (start, end) in truth)
        {
            output.WriteLine($"spoken   {start:0.000}–{end:0.000}");
        }

        Assert.Equal(truth.Count, segments.Count);
        for (var i = 0; i < truth.Count; i++)
        {
            Assert.InRange(segments[i].Start.TotalSeconds, truth[i].Start - 0.1, truth[i].Start + 0.1);
            Assert.InRange(segments[i].End.TotalSeconds, truth[i].End - 0.1, truth[i].End + 0.1);
        }

        // Frame-level F1 over 10 ms frames.
        int truePositive = 0, falsePositive = 0, falseNegative = 0;
        for (var t = 0.005; t < audio.Count / (double)Speech.Rate; t += 0.01)
        {
            var spoken = truth.Any(x => t >= x.Start && t <= x.End);
            var detected = segments.Any(x => t >= x.Start.TotalSeconds && t <= x.End.TotalSeconds);
            truePositive += spoken && detected ? 1 : 0;
            falsePositive += !spoken && detected ? 1 : 0;
            falseNegative += spoken && !detected ? 1 : 0;
        }

        var f1 = 2.0 * truePositive / (2.0 * truePositive + falsePositive + falseNegative);
        output.WriteLine($"frame F1 {f1:0.000}");
        Assert.True(f1 >= 0.9, $"frame F1 {f1:0.000} < 0.9");
    }

    [Fact]
    public void Events_must_follow_the_audio_they_describe_and_every_start_must_be_closed()
    {
        var audio = Speech.Noise(TimeSpan.FromSeconds(0.5), 0, 0).Concat(Speech.Say("Hello there.")).ToArray(); // no silence after: closed at end of stream
        var elements = Run(new SileroVadNode(), audio);

        var started = Assert.Single(elements.OfType<SpeechStarted>());
        var segment = Assert.Single(elements.OfType<SpeechSegment>());
        Assert.Equal(started.Start, segment.Start);
        Assert.Equal(TimeSpan.FromTicks(audio.Length * TimeSpan.TicksPerSecond / Speech.Rate), segment.End);
        var startIndex = elements.IndexOf(started);
        var lastFrameBefore = (AudioFrame)elements.Take(startIndex).Last(e => e is AudioFrame);
        Assert.True(lastFrameBefore.Timestamp + lastFrameBefore.Duration >= started.Start, "speechStarted came before the audio it describes");
        Assert.Equal(Speech.Frames(audio).Count(), elements.OfType<AudioFrame>().Count());
    }

    [Fact]
    public void Audio_that_is_not_16kHz_mono_must_be_refused_with_the_stages_to_add()
    {
        using var node = new SileroVadNode();
        node.Initialize(NodeContext.Detached("vad"));

        var e = Assert.Throws<FrameFormatException>(() => node.Process(new AudioFrame(new float[960], 48000, 1), new Speech.Collect<object>()));

        Assert.Contains("Resample, sample-rate = 16000", e.Message);
        Assert.Contains("48000 Hz", e.Message);
    }

    [Fact]
    public void A_missing_model_must_name_the_path_and_the_fetch_script()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "silero.onnx");
        using var node = new SileroVadNode(path);

        var e = Assert.Throws<FileNotFoundException>(() => node.Initialize(NodeContext.Detached("vad")));

        Assert.Contains(path, e.Message);
        Assert.Contains("scripts/fetch-models.sh", e.Message);
    }

    [Fact]
    public void A_corrupt_model_must_be_reported_as_such_with_the_fix()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".onnx");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
        try
        {
            using var node = new SileroVadNode(path);

            var e = Assert.Throws<InvalidDataException>(() => node.Initialize(NodeContext.Detached("vad")));

            Assert.Contains(path, e.Message);
            Assert.Contains("not a valid ONNX model", e.Message);
            Assert.False(ProcessModels.Vad.IsLoaded(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Sessions_must_share_one_loaded_model_and_release_it_after_the_idle_time()
    {
        var path = CopyOfModel();
        try
        {
            var nodes = Enumerable.Range(0, 8).Select(_ => new SileroVadNode(path, unloadAfter: TimeSpan.FromSeconds(2))).ToList();
            foreach (var node in nodes)
            {
                node.Initialize(NodeContext.Detached("vad"));
            }

            // Each session keeps its own state: the same audio gives the same events in every one.
            var audio = Speech.Say("Good morning.");
            var results = nodes.Select(n => string.Join(";", Feed(n, audio).OfType<IMediaEvent>().Select(MediaEvents.ToJson))).ToList();

            Assert.Equal(1, ProcessModels.Vad.LoadsOf(path));
            Assert.Single(results.Distinct());
            Assert.Contains("speechStarted", results[0]);
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            Assert.True(ProcessModels.Vad.IsLoaded(path), "unloaded before its idle time");
            await AwaitAsync(() => !ProcessModels.Vad.IsLoaded(path), TimeSpan.FromSeconds(20));
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static string CopyOfModel()
    {
        var source = ModelFiles.Resolve(null, SileroVadModel.DefaultFileName, "test");
        var copy = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".onnx");
        File.Copy(source, copy);
        return copy;
    }

    internal static async Task AwaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(20, cts.Token);
        }
    }

    private static List<object> Run(SileroVadNode node, float[] audio)
    {
        using (node)
        {
            node.Initialize(NodeContext.Detached("vad"));
            return Feed(node, audio, complete: true);
        }
    }

    private static List<object> Feed(SileroVadNode node, float[] audio, bool complete = true)
    {
        var output = new Speech.Collect<object>();
        foreach (var frame in Speech.Frames(audio))
        {
            node.Process(frame, output);
        }

        if (complete)
        {
            node.Complete(output);
        }

        return output.Items;
    }
}
