using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Speech.Voice;

/// <summary>The voice loop started speaking <paramref name="Text"/> in answer to the user's last utterance.</summary>
/// <param name="Text">What is being said.</param>
public sealed record VoiceReply(string Text) : IMediaEvent
{
    /// <summary><c>reply</c>.</summary>
    public string EventType => "reply";

    /// <summary>Writes <c>text</c>.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("text", Text);
    }
}
