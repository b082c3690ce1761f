using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Speech.Voice;

/// <summary>
/// Barge-in: the user started speaking while a reply was playing, so the rest of the reply was dropped. Clients
/// should flush the reply audio they still hold.
/// </summary>
/// <param name="Played">How much of the reply had been sent before it was cut.</param>
/// <param name="Dropped">How much of the reply was not sent.</param>
/// <param name="Ahead">
/// How much of what was sent had not yet been due to play when the reply was cut (the responder's lead at most): the
/// audio a client still holds and should flush.
/// </param>
public sealed record ReplyInterrupted(TimeSpan Played, TimeSpan Dropped, TimeSpan Ahead) : IMediaEvent
{
    /// <summary><c>interrupted</c>.</summary>
    public string EventType => "interrupted";

    /// <summary>Writes <c>playedMs</c>, <c>droppedMs</c> and <c>aheadMs</c>.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("playedMs", Math.Round(Played.TotalMilliseconds));
        writer.WriteNumber("droppedMs", Math.Round(Dropped.TotalMilliseconds));
        writer.WriteNumber("aheadMs", Math.Round(Ahead.TotalMilliseconds));
    }
}
