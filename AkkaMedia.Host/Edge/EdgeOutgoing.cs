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

    /// <summary><paramref name="Packets"/> audio packets and <paramref name="Elements"/> elements were dropped since the last notice because the client read too slowly.</summary>
    public sealed record Dropped(int Packets, int Elements) : EdgeOutgoing;

    /// <summary>The pipeline has finished: everything it produced was handed out before this. <paramref name="Failure"/> is null when it completed normally.</summary>
    public sealed record End(Exception? Failure) : EdgeOutgoing;
}
