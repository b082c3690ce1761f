using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Speech;

/// <summary>What a speech recognizer heard in one utterance, with the utterance's media times.</summary>
/// <param name="Text">The recognized text, trimmed; empty when the utterance held no words the recognizer knew.</param>
/// <param name="Start">Media time the utterance starts at.</param>
/// <param name="End">Media time the utterance ends at.</param>
public sealed record Transcript(string Text, TimeSpan Start, TimeSpan End) : IMediaEvent
{
    /// <summary><c>transcript</c>.</summary>
    public string EventType => "transcript";

    /// <summary>Writes <c>start</c>, <c>end</c> (seconds) and <c>text</c>.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("start", MediaEvents.Seconds(Start));
        writer.WriteNumber("end", MediaEvents.Seconds(End));
        writer.WriteString("text", Text);
    }
}
