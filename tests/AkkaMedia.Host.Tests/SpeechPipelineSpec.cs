using System.Text.Json;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Tts;
using NAudio.Wave;

namespace AkkaMedia.Host.Tests;

/// <summary>
/// The shipped speech pipelines as a user runs them: <c>akkamedia run hocon/pipelines/{speak,vad,transcribe}.conf
/// --input … --output …</c>, on WAV files in a format the pipeline does not use itself (44.1 kHz stereo).
/// </summary>
public sealed class SpeechPipelineSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<SpeechExecutor>
{
    private readonly SpeechExecutor _executor;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public SpeechPipelineSpec(SpeechExecutor executor)
    {
        _executor = executor;
        Directory.CreateDirectory(_folder);
    }

    [Fact]
    public async Task Speak_must_turn_each_line_of_a_text_file_into_speech_in_a_wav_file()
    {
        var input = Path.Combine(_folder, "lines.txt");
        var output = Path.Combine(_folder, "speech.wav");
        File.WriteAllLines(input, ["Hello from the pipeline.", "", "This is the second line, which is longer than the first."]);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", Shipped("speak.conf"), "--input", input, "--output", output);

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        using var reader = new WaveFileReader(output);
        Assert.Equal((48000, 1), (reader.WaveFormat.SampleRate, reader.WaveFormat.Channels));
        Assert.InRange(reader.TotalTime.TotalSeconds, 3, 10);
    }

    [Fact]
    public async Task Vad_must_write_one_json_line_per_spoken_sentence_with_its_times()
    {
        var (input, truth) = Talk(("Turn on the kitchen lights.", 1.0), ("What time is it?", 1.5));
        var output = Path.Combine(_folder, "speech.jsonl");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", Shipped("vad.conf"), "--input", input, "--output", output);

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(truth.Count, lines.Count);
        for (var i = 0; i < truth.Count; i++)
        {
            Assert.Equal("speech", lines[i].GetProperty("type").GetString());
            Assert.InRange(lines[i].GetProperty("start").GetDouble(), truth[i].Start - 0.1, truth[i].Start + 0.1);
            Assert.InRange(lines[i].GetProperty("end").GetDouble(), truth[i].End - 0.1, truth[i].End + 0.1);
        }
    }

    [Fact]
    public async Task Transcribe_must_write_what_was_said_with_the_recognizer_on_an_executor()
    {
        string[] sentences = ["The weather today is sunny with a light breeze from the west.", "Please call Stella and ask her to bring these things with her from the store."];
        var (input, truth) = Talk((sentences[0], 0.8), (sentences[1], 1.2));
        var output = Path.Combine(_folder, "talk.jsonl");

        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("run", Shipped("transcribe.conf"), "--seeds", _executor.Address, "--input", input, "--output", output);

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        Assert.Contains("SpeechToText (remote)", stdout);
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(truth.Count, lines.Count);
        Assert.All(lines, l => Assert.Equal("transcript", l.GetProperty("type").GetString()));
        // Each line is its sentence, at least half of its words (the recognizer's exact output is the engine's business).
        for (var i = 0; i < truth.Count; i++)
        {
            var said = SpokenWords.Of(sentences[i]);
            var heard = SpokenWords.Of(lines[i].GetProperty("text").GetString()!);
            Assert.True(said.Count(heard.Contains) * 2 >= said.Length, $"line {i + 1}: '{lines[i].GetProperty("text").GetString()}' for '{sentences[i]}'");
        }

        Assert.InRange(lines[1].GetProperty("start").GetDouble(), truth[1].Start - 0.1, truth[1].Start + 0.1);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_missing_model_must_fail_the_run_with_the_path_and_how_to_fetch_it()
    {
        var (input, _) = Talk(("Hello.", 0.5));
        var pipeline = Path.Combine(_folder, "vad-missing.conf");
        File.WriteAllText(pipeline, $$"""
            pipeline {
              source { type = wav-file, path = "in.wav" }
              stages = [ { type = ChannelMix, channels = 1 }, { type = Resample, sample-rate = 16000 }, { type = SileroVad, model-path = "{{_folder}}/nowhere.onnx" } ]
              sink { type = jsonl-file, path = "out.jsonl" }
            }
            """);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--input", input, "--output", Path.Combine(_folder, "out.jsonl"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"{_folder}/nowhere.onnx", stderr);
        Assert.Contains("scripts/fetch-models.sh", stderr);
    }

    private static string Shipped(string name) => Path.Combine(TestRepository.Root, "hocon", "pipelines", name);

    /// <summary>A 44.1 kHz stereo WAV of the sentences, each after the given silence, and where each is voiced (seconds).</summary>
    private (string Path, List<(double Start, double End)> Truth) Talk(params (string Text, double SilenceBefore)[] sentences)
    {
        const int rate = 44100;
        var audio = new List<float>();
        var truth = new List<(double, double)>();
        using (var tts = new TextToSpeechNode(sampleRate: rate))
        {
            tts.Initialize(NodeContext.Detached("tts"));
            foreach (var (text, silence) in sentences)
            {
                audio.AddRange(new float[(int)(silence * rate)]);
                var frames = new Frames();
                tts.Process(new TextFrame(text), frames);
                var speech = frames.Items.SelectMany(f => f.Samples.ToArray()).ToArray();
                var first = Array.FindIndex(speech, s => Math.Abs(s) > 0.01f);
                var last = Array.FindLastIndex(speech, s => Math.Abs(s) > 0.01f);
                truth.Add(((audio.Count + first) / (double)rate, (audio.Count + last) / (double)rate));
                audio.AddRange(speech);
            }
        }

        audio.AddRange(new float[rate]);
        var path = System.IO.Path.Combine(_folder, $"talk-{Guid.NewGuid():N}.wav");
        using var writer = new WaveFileWriter(path, new WaveFormat(rate, 16, 2));
        var stereo = audio.SelectMany(s => new[] { s, s }).ToArray();
        writer.WriteSamples(stereo, 0, stereo.Length);
        return (path, truth);
    }

    private sealed class Frames : INodeOutput<AudioFrame>
    {
        public List<AudioFrame> Items { get; } = [];

        public void Emit(AudioFrame element) => Items.Add(element);
    }
}
