using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace AkkaMedia.Speech.Tts;

/// <summary>
/// Speaks each <see cref="TextFrame"/> with espeak-ng and emits the speech as mono audio frames at the pipeline's rate.
/// </summary>
/// <remarks>
/// <para>espeak-ng runs in this process through its library (Debian <c>libespeak-ng1</c>); a missing library or an unknown
/// voice fails the stream when the node is initialized, saying what to install or set. The synthesizer is global to the process, so
/// utterances of all sessions are synthesized one at a time (about 20× faster than real time on one core).</para>
/// <para>Output: the speech resampled from espeak-ng's 22,050 Hz to <c>sample-rate</c>, cut into frames of
/// <c>samples-per-frame</c> (the last frame of an utterance may be shorter). Utterances follow each other without a
/// gap; sequence numbers and timestamps continue across them from 0. Blank text produces nothing.</para>
/// </remarks>
public sealed class TextToSpeechNode : Node<TextFrame, AudioFrame>
{
    private readonly SpeechFrames _frames;

    /// <summary>Creates the node; espeak-ng is started when the node is initialized.</summary>
    /// <param name="voice">espeak-ng voice name (<c>en-us</c>, <c>en-gb</c>, <c>de</c>, ...).</param>
    /// <param name="wordsPerMinute">Speaking rate, 80–450.</param>
    /// <param name="pitch">Pitch, 0–100 (50 is the voice's own).</param>
    /// <param name="sampleRate">Output rate in Hz, 8,000–192,000.</param>
    /// <param name="samplesPerFrame">Samples per output frame; 0 for 20 ms at <paramref name="sampleRate"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public TextToSpeechNode(string voice = "en-us", int wordsPerMinute = 175, int pitch = 50, int sampleRate = 48000, int samplesPerFrame = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(voice);
        if (wordsPerMinute is < 80 or > 450)
        {
            throw new ArgumentOutOfRangeException("rate", wordsPerMinute, "rate is words per minute, 80 to 450 (175 is espeak-ng's usual pace).");
        }

        if (pitch is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException("pitch", pitch, "pitch is 0 to 100 (50 is the voice's own).");
        }

        if (sampleRate is < 8000 or > 192000)
        {
            throw new ArgumentOutOfRangeException("sample-rate", sampleRate, "sample-rate is 8000 to 192000 Hz.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(samplesPerFrame, "samples-per-frame");
        Voice = voice;
        WordsPerMinute = wordsPerMinute;
        Pitch = pitch;
        SampleRate = sampleRate;
        SamplesPerFrame = samplesPerFrame == 0 ? sampleRate / 50 : samplesPerFrame;
        _frames = new SpeechFrames(SampleRate, SamplesPerFrame);
    }

    /// <summary>espeak-ng voice name.</summary>
    public string Voice { get; }

    /// <summary>Speaking rate in words per minute.</summary>
    public int WordsPerMinute { get; }

    /// <summary>Pitch, 0–100.</summary>
    public int Pitch { get; }

    /// <summary>Output rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Samples per output frame.</summary>
    public int SamplesPerFrame { get; }

    /// <inheritdoc />
    public override string Name => "TextToSpeech";

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        ESpeakSynthesizer.CheckVoice(Voice);
    }

    /// <inheritdoc />
    public override void Process(TextFrame input, INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(input.Text))
        {
            return;
        }

        foreach (var frame in _frames.Cut(SpeechSynthesis.Render(input.Text, Voice, WordsPerMinute, Pitch, SampleRate)))
        {
            output.Emit(frame);
        }
    }
}
