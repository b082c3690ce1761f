namespace AkkaMedia.Speech.Stt;

/// <summary>A recognition under way, in the stream's order; the flow after <see cref="SpeechToTextNode"/> awaits it in place.</summary>
internal sealed record PendingTranscript(Task<Transcript> Result);
