using Akka.Configuration;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Stt;
using AkkaMedia.Speech.Tts;
using AkkaMedia.Speech.Vad;

namespace AkkaMedia.Speech;

/// <summary>
/// The speech node types by the names pipeline files use: <c>SileroVad</c>, <c>SpeechToText</c>, <c>TextToSpeech</c>.
/// Settings are kebab-case HOCON; an unknown key or a bad value is an <see cref="ArgumentException"/> naming it. Models
/// are not loaded here: a node loads (or shares) its model when a stream starts.
/// </summary>
public static class SpeechNodes
{
    /// <summary>Adds the speech node types to <paramref name="registry"/> and returns it.</summary>
    public static NodeRegistry Register(NodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .Register(NodeDescriptor.Create<AudioFrame, object>(
                "SileroVad",
                "Silero voice activity detection (16 kHz mono): passes audio on, adds speechStarted and speech (start, end) events.",
                c => new SileroVadNode(
                    ModelPath(c),
                    c.GetFloat("threshold", 0.5f),
                    c.HasPath("min-silence") ? c.GetTimeSpan("min-silence") : null,
                    c.HasPath("speech-pad") ? c.GetTimeSpan("speech-pad") : null,
                    c.GetInt("max-concurrency", 0),
                    c.HasPath("unload-after") ? c.GetTimeSpan("unload-after") : null),
                "model-path", "threshold", "min-silence", "speech-pad", "max-concurrency", "unload-after"))
            .Register(NodeDescriptor.CreateFlow<object, object>(
                "SpeechToText",
                "Transcribes each VAD utterance (engine moonshine or whisper) into a transcript event, off the stream's thread.",
                BindSpeechToText,
                "engine", "model-path", "language", "pass-audio", "max-utterance", "max-concurrency", "unload-after"))
            .Register(NodeDescriptor.Create<TextFrame, AudioFrame>(
                "TextToSpeech",
                "Speaks each text with espeak-ng ('voice', 'rate' wpm, 'pitch') as audio at 'sample-rate'.",
                c => new TextToSpeechNode(
                    c.GetString("voice", "en-us"),
                    c.GetInt("rate", 175),
                    c.GetInt("pitch", 50),
                    c.GetInt("sample-rate", 48000),
                    c.GetInt("samples-per-frame", 0)),
                "voice", "rate", "pitch", "sample-rate", "samples-per-frame"))
            .Register(NodeDescriptor.CreateFlow<object, object>(
                "VoiceResponder",
                "Voice loop: speaks 'reply' (with {text} = the transcript) after each transcript, at real time; stops when the user barges in.",
                BindVoiceResponder,
                "reply", "voice", "rate", "sample-rate", "lead"));
    }

    private static Func<Akka.Streams.Dsl.Flow<object, object, Akka.NotUsed>> BindVoiceResponder(Config c)
    {
        var reply = c.GetString("reply", "You said: {text}");
        var voice = c.GetString("voice", "en-us");
        var rate = c.GetInt("rate", 175);
        var sampleRate = c.GetInt("sample-rate", 48000);
        var lead = c.HasPath("lead") ? c.GetTimeSpan("lead") : TimeSpan.FromMilliseconds(60);
        ArgumentException.ThrowIfNullOrWhiteSpace(reply, "reply");

        // The same checks as the text-to-speech node's; the lead bounds what a barge-in leaves downstream.
        new TextToSpeechNode(voice, rate, 50, sampleRate).Dispose();
        if (lead < TimeSpan.Zero || lead > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException("lead", lead, "lead is how far reply audio may run ahead of real time, 0 to 1s (60ms by default).");
        }

        return () => Akka.Streams.Dsl.Flow.FromGraph(new Voice.VoiceResponderStage(reply, voice, rate, sampleRate, lead));
    }

    private static Func<Akka.Streams.Dsl.Flow<object, object, Akka.NotUsed>> BindSpeechToText(Config c)
    {
        var engine = c.GetString("engine", "moonshine");
        var modelPath = ModelPath(c);
        var language = c.GetString("language", "en");
        var passAudio = c.GetBoolean("pass-audio", false);
        TimeSpan? maxUtterance = c.HasPath("max-utterance") ? c.GetTimeSpan("max-utterance") : null;
        var maxConcurrency = c.GetInt("max-concurrency", 0);
        var unloadAfter = c.HasPath("unload-after") ? c.GetTimeSpan("unload-after") : TimeSpan.FromMinutes(5);

        ISpeechRecognizer Recognizer() => SpeechRecognizers.Create(engine, modelPath, language, maxConcurrency, unloadAfter);

        // Build one node now so a bad setting fails when the pipeline is read, not when a stream starts.
        new SpeechToTextNode(Recognizer(), passAudio, maxUtterance).Dispose();
        return () => SpeechToText.Flow(Recognizer, passAudio, maxUtterance);
    }

    private static string? ModelPath(Config c) => c.HasPath("model-path") ? c.GetString("model-path") : null;
}
