using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AkkaMedia.Frames;

/// <summary>Renders an <see cref="IMediaEvent"/> as the JSON object every consumer of events writes.</summary>
public static class MediaEvents
{
    // Events go to files and WebSocket text messages, never into HTML: keep quotes and apostrophes readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event as one compact JSON object: <c>{"type": ..., properties...}</c>, with no line break.</summary>
    public static string ToJson(IMediaEvent mediaEvent)
    {
        ArgumentNullException.ThrowIfNull(mediaEvent);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", mediaEvent.EventType);
            mediaEvent.WriteProperties(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Media time as the seconds an event carries, rounded to the millisecond.</summary>
    public static double Seconds(TimeSpan time) => Math.Round(time.TotalSeconds, 3);
}
