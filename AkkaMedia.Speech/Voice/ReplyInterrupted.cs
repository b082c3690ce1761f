using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Speech.Voice;

/// <summary>
/// Barge-in: the user started speaking while a reply was playing, so the rest of the reply was dropped. Clients
/// should flush the reply audio they still hold.
/// </summary>
/// <param name="Played">How much of the reply had been sent before it was cut.</param>
/// <param name="Dropped">How much of the reply was not sent.</param>
public sealed record ReplyInterrupted(TimeSpan Played, TimeSpan Dropped) : IMediaEvent
{
    /// <summary><c>interrupted</c>.</summary>
    public string EventType => "interrupted";

    /// <summary>Writes <c>playedMs</c> and <c>droppedMs</c>.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("playedMs", Math.Round(Played.TotalMilliseconds));
        writer.WriteNumber("droppedMs", Math.Round(Dropped.TotalMilliseconds));
    }
}
