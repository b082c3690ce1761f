using AkkaMedia.Frames;

namespace AkkaMedia.Host.Edge;

/// <summary>One thing a session's send loop sends to its client, in the order the outbox hands them out.</summary>
internal abstract record EdgeOutgoing
{
    /// <summary>A 20 ms packet (the last one of a stream may be shorter) of audio in the client's format.</summary>
    public sealed record Audio(AudioFrame Frame) : EdgeOutgoing;

    /// <summary>Any other element the pipeline's last stage emitted (a VAD decision, text, a result).</summary>
    public sealed record Element(object Value) : EdgeOutgoing;

    /// <summary>A message of the endpoint's own protocol (a pong, a Twilio mark), never dropped, in order with the audio.</summary>
    public sealed record Control(object Message) : EdgeOutgoing;

    /// <summary>
    /// Since the last notice: <paramref name="Packets"/> audio packets and <paramref name="Elements"/> elements were dropped
    /// because the client read too slowly, and <paramref name="Incoming"/> of the client's audio messages because the server
    /// fell more than <c>max-input-lag</c> behind real time.
    /// </summary>
    public sealed record Dropped(int Packets, int Elements, int Incoming = 0) : EdgeOutgoing;

    /// <summary>The pipeline has finished: everything it produced was handed out before this. <paramref name="Failure"/> is null when it completed normally.</summary>
    public sealed record End(Exception? Failure) : EdgeOutgoing;
}
