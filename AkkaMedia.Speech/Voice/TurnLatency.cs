using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Speech.Voice;

/// <summary>
/// How long one turn of the voice loop took, in wall-clock time from the moment voice activity detection declared the
/// user's speech over (its <c>min-silence</c> after the last word): to the transcript, and to the first reply audio.
/// </summary>
/// <param name="ToTranscript">End of speech to the transcript.</param>
/// <param name="ToFirstAudio">End of speech to the first frame of the spoken reply leaving the voice loop.</param>
public sealed record TurnLatency(TimeSpan ToTranscript, TimeSpan ToFirstAudio) : IMediaEvent
{
    /// <summary><c>turn</c>.</summary>
    public string EventType => "turn";

    /// <summary>Writes <c>transcriptMs</c> and <c>firstAudioMs</c>.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("transcriptMs", Math.Round(ToTranscript.TotalMilliseconds, 1));
        writer.WriteNumber("firstAudioMs", Math.Round(ToFirstAudio.TotalMilliseconds, 1));
    }
}
