using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Speech;

/// <summary>
/// A stretch of speech the voice activity detector found, from <paramref name="Start"/> to <paramref name="End"/>
/// in media time (padding included). Sent when the speech has ended (after the detector's minimum silence), or at
/// end of stream for speech still going on.
/// </summary>
/// <param name="Start">Media time the speech starts at; the same as the <see cref="SpeechStarted"/> before it.</param>
/// <param name="End">Media time the speech ends at.</param>
public sealed record SpeechSegment(TimeSpan Start, TimeSpan End) : IMediaEvent
{
    /// <summary><c>speech</c>.</summary>
    public string EventType => "speech";

    /// <summary>How long the speech lasted.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>Writes <c>start</c> and <c>end</c> in seconds.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("start", MediaEvents.Seconds(Start));
        writer.WriteNumber("end", MediaEvents.Seconds(End));
    }
}
