using System.Text.Json;

namespace AkkaMedia.Frames;

/// <summary>
/// Something a pipeline reports besides media: speech started, a speech segment, a transcript. Events travel in
/// the same stream as the frames they describe, in order, so a node downstream knows which audio an event is about.
/// </summary>
/// <remarks>
/// One shape for every consumer: the <c>jsonl-file</c> sink writes an event as one JSON object per line, and the live
/// edge sends it to the client as a text message. Both write <c>{"type": EventType, ...}</c> where the rest of the
/// object is what <see cref="WriteProperties"/> writes. Times are in seconds of media time, as numbers.
/// </remarks>
public interface IMediaEvent
{
    /// <summary>The value of the event's <c>type</c> property, in camel case (<c>speech</c>, <c>transcript</c>).</summary>
    string EventType { get; }

    /// <summary>
    /// Writes the event's properties, other than <c>type</c>, into the JSON object <paramref name="writer"/> is inside;
    /// the caller writes the object's start, its <c>type</c> and its end.
    /// </summary>
    void WriteProperties(Utf8JsonWriter writer);
}
