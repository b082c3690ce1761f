using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Tts;

namespace AkkaMedia.Speech.Tests;

/// <summary>Test speech: espeak-ng sentences at 16 kHz mono, with silence or noise between them and where each sentence really is.</summary>
internal static class Speech
{
    public const int Rate = 16000;

    /// <summary>Sentences spoken clearly; none is in Moonshine's training prompts, all are ordinary English.</summary>
    public static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Please call Stella and ask her to bring these things with her from the store.",
        "I would like to book a table for two people at seven o'clock tonight.",
        "The weather today is sunny with a light breeze from the west.",
        "She opened the window and looked out at the quiet street below.",
        "Our meeting has been moved to Thursday afternoon in the main conference room.",
        "Can you tell me how to get to the nearest train station?",
        "He bought three apples, a loaf of bread and a bottle of milk.",
        "The children were playing football in the park after school.",
        "Remember to turn off the lights before you leave the house.",
    ];

    /// <summary>The sentence spoken by espeak-ng (en-us, 175 words a minute) at 16 kHz mono.</summary>
    public static float[] Say(string text, string voice = "en-us")
    {
        using var node = new TextToSpeechNode(voice, sampleRate: Rate);
        node.Initialize(NodeContext.Detached("tts"));
        var output = new Collect<AudioFrame>();
        node.Process(new TextFrame(text), output);
        return output.Items.SelectMany(f => f.Samples.ToArray()).ToArray();
    }

    /// <summary>Where the voice really is in <paramref name="speech"/>: the first and last sample louder than −40 dBFS.</summary>
    public static (int First, int Last) Voiced(float[] speech)
    {
        var first = Array.FindIndex(speech, s => Math.Abs(s) > 0.01f);
        var last = Array.FindLastIndex(speech, s => Math.Abs(s) > 0.01f);
        return (first, last);
    }

    /// <summary>White noise at <paramref name="level"/> RMS (0 for silence), seeded.</summary>
    public static float[] Noise(TimeSpan length, float level, int seed)
    {
        var random = new Random(seed);
        var noise = new float[(int)Math.Round(length.TotalSeconds * Rate)];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = level * 1.7320508f * (float)(2 * random.NextDouble() - 1);
        }

        return noise;
    }

    /// <summary>16 kHz mono frames of 20 ms over <paramref name="audio"/>, timestamps from zero.</summary>
    public static IEnumerable<AudioFrame> Frames(float[] audio, int samplesPerFrame = 320)
    {
        for (int offset = 0, n = 0; offset < audio.Length; offset += samplesPerFrame, n++)
        {
            var length = Math.Min(samplesPerFrame, audio.Length - offset);
            yield return new AudioFrame(audio.AsMemory(offset, length), Rate, 1, n, TimeSpan.FromTicks(offset * TimeSpan.TicksPerSecond / Rate));
        }
    }

    /// <summary>Collects what a node emits.</summary>
    public sealed class Collect<T> : INodeOutput<T>
    {
        public List<T> Items { get; } = [];

        public void Emit(T element) => Items.Add(element);
    }
}
