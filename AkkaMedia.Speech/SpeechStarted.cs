using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Speech;

/// <summary>
/// Voice activity detection heard speech begin at <paramref name="Start"/> (media time, with the detector's padding
/// before it). Sent as soon as the detector is sure, before the speech ends: the cue for barge-in and for a
/// recognizer to start collecting audio. A <see cref="SpeechSegment"/> with the same start follows when it ends.
/// </summary>
/// <param name="Start">Media time the speech starts at.</param>
public sealed record SpeechStarted(TimeSpan Start) : IMediaEvent
{
    /// <summary><c>speechStarted</c>.</summary>
    public string EventType => "speechStarted";

    /// <summary>Writes <c>start</c> in seconds.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("start", MediaEvents.Seconds(Start));
    }
}
