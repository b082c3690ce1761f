using System.Diagnostics;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Models;
using AkkaMedia.Speech.Stt;
using AkkaMedia.Speech.Tts;
using AkkaMedia.Speech.Vad;

namespace AkkaMedia.SpeechBench;

/// <summary>
/// Real-time factor on one thread (processing time over audio time; 0.05 = twenty times faster than real time, so one
/// core carries about twenty streams): Silero VAD, Moonshine tiny, Whisper (with a model path), espeak-ng.
/// </summary>
internal static class RealTimeFactor
{
    public static async Task RunAsync(string? whisperModel, TextWriter output)
    {
        var speech = BenchAudio.Sentences.Select(BenchAudio.Say).ToList();

        // TTS: synthesis time over the length of the speech it made.
        var clock = Stopwatch.StartNew();
        var spoken = 0L;
        foreach (var sentence in BenchAudio.Sentences)
        {
            spoken += ESpeakSynthesizer.Speak(sentence, "en-us", 175, 50).Length;
        }

        Report(output, "tts", "espeak-ng (in process), 22.05 kHz", clock.Elapsed, spoken / (double)ESpeakSynthesizer.SampleRate);

        // VAD: ten passes over the sentences with silences between them, in 20 ms frames.
        var talk = speech.SelectMany(s => BenchAudio.Silence(0.5).Concat(s)).ToArray();
        using (var vad = new SileroVadNode())
        {
            vad.Initialize(NodeContext.Detached("vad"));
            var sink = new Discard();
            var frames = Frames(talk).ToList();
            foreach (var frame in frames)
            {
                vad.Process(frame, sink); // warm-up pass
            }

            clock.Restart();
            for (var pass = 0; pass < 10; pass++)
            {
                foreach (var frame in frames)
                {
                    vad.Process(frame, sink);
                }
            }

            Report(output, "vad", "Silero VAD v5, ONNX Runtime, 1 thread", clock.Elapsed, 10 * talk.Length / (double)BenchAudio.Rate);
        }

        // STT: each sentence as one utterance (with 0.2 s of silence either side, as SpeechToText gives it).
        var utterances = speech.Select(s => BenchAudio.Silence(0.2).Concat(s).Concat(BenchAudio.Silence(0.2)).ToArray()).ToList();
        var utteranceSeconds = utterances.Sum(u => u.Length) / (double)BenchAudio.Rate;
        var moonshinePath = Path.GetDirectoryName(ModelFiles.Resolve(null, Path.Combine(MoonshineModel.DefaultFolder, "encoder_model.onnx"), "bench"))!;
        using (var moonshine = MoonshineModel.Load(moonshinePath))
        {
            moonshine.Recognize(utterances[0], CancellationToken.None);
            clock.Restart();
            foreach (var utterance in utterances)
            {
                moonshine.Recognize(utterance, CancellationToken.None);
            }

            Report(output, "stt", "Moonshine tiny int8, ONNX Runtime, 1 thread", clock.Elapsed, utteranceSeconds);
        }

        if (whisperModel is not null)
        {
            using var whisper = WhisperModel.Load(whisperModel);
            await whisper.RecognizeAsync(utterances[0], "en", CancellationToken.None);
            clock.Restart();
            foreach (var utterance in utterances)
            {
                await whisper.RecognizeAsync(utterance, "en", CancellationToken.None);
            }

            Report(output, "stt", $"Whisper ({Path.GetFileName(whisperModel)}), Whisper.net, 1 thread", clock.Elapsed, utteranceSeconds);
        }
        else
        {
            output.WriteLine("""{"kind":"stt","engine":"whisper","skipped":"no --whisper-model given (no Whisper weights are served by the registries this project fetches from)"}""");
        }
    }

    private static IEnumerable<AkkaMedia.Frames.AudioFrame> Frames(float[] audio)
    {
        for (var offset = 0; offset < audio.Length; offset += 320)
        {
            yield return new AkkaMedia.Frames.AudioFrame(audio.AsMemory(offset, Math.Min(320, audio.Length - offset)), BenchAudio.Rate, 1);
        }
    }

    private static void Report(TextWriter output, string kind, string engine, TimeSpan elapsed, double audioSeconds) =>
        output.WriteLine(
            $$"""{"kind":"{{kind}}","engine":"{{engine}}","audioSeconds":{{audioSeconds:0.00}},"seconds":{{elapsed.TotalSeconds:0.000}},"rtf":{{elapsed.TotalSeconds / audioSeconds:0.0000}},"streamsPerCore":{{audioSeconds / elapsed.TotalSeconds:0.0}}}""");

    private sealed class Discard : INodeOutput<object>
    {
        public void Emit(object element)
        {
        }
    }
}
