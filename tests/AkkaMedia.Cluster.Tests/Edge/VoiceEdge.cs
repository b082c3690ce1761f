using NAudio.Wave;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A class fixture: an executor node and <c>akkamedia serve hocon/pipelines/voice-loop.conf</c> joined to it, both real
/// processes, plus the fake microphone's WAV: a spoken question (made with <c>akkamedia run hocon/pipelines/speak.conf</c>)
/// between silences. Chromium loops the file, so the question comes again while its answer is still playing: a barge-in.
/// Disposing kills both processes and deletes the files.
/// </summary>
public sealed class VoiceEdge() : EdgeProcesses("pipelines/voice-loop.conf")
{
    /// <summary>What the microphone says.</summary>
    public const string Question = "What is the weather like in Paris today?";

    private const int Rate = 48000;

    /// <inheritdoc />
    protected override async Task WriteMicrophoneAsync(string path)
    {
        var text = Path.Combine(Folder, "question.txt");
        var speech = Path.Combine(Folder, "question.wav");
        await File.WriteAllTextAsync(text, Question + Environment.NewLine);
        await using (var speak = HostProcess.Start(["run", TestPaths.Hocon("pipelines/speak.conf"), "--input", text, "--output", speech]))
        {
            var exit = await speak.WaitForExitAsync(NodeProcess.StartTimeout);
            Assert.True(exit == 0, $"speak.conf exited with {exit}: {speak.Transcript}");
        }

        // 0.5 s of silence, the question (about 2.3 s), 2.5 s of silence: the answer ("You said: ...", about 3.5 s) starts
        // about 0.6 s after the question ends, so the next pass of the question interrupts it.
        float[] question;
        using (var reader = new WaveFileReader(speech))
        {
            Assert.Equal((Rate, 1), (reader.WaveFormat.SampleRate, reader.WaveFormat.Channels));
            var provider = reader.ToSampleProvider();
            question = new float[reader.SampleCount];
            question = question[..provider.Read(question, 0, question.Length)];
        }

        var samples = new float[(Rate / 2) + question.Length + (Rate * 5 / 2)];
        question.CopyTo(samples, Rate / 2);
        using var writer = new WaveFileWriter(path, new WaveFormat(Rate, 16, 1));
        writer.WriteSamples(samples, 0, samples.Length);
    }
}
