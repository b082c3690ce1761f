using AkkaMedia.Speech.Tts;

namespace AkkaMedia.SpeechBench;

/// <summary>The bench's speech: ten ordinary English sentences spoken by espeak-ng at 16 kHz.</summary>
internal static class BenchAudio
{
    public const int Rate = 16000;

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

    public static float[] Say(string text) => SpeechSynthesis.Render(text, "en-us", 175, 50, Rate);

    public static float[] Silence(double seconds) => new float[(int)(seconds * Rate)];
}
