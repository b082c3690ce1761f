using Akka.Streams;
using AkkaMedia.Remote;

namespace AkkaMedia.Protocol;

/// <summary>The rule every session request follows: a StreamRefs session carries the client's input, a media link session none.</summary>
internal static class TransportInput
{
    /// <summary>Returns <paramref name="input"/> when it matches <paramref name="transport"/>.</summary>
    /// <exception cref="ArgumentException">A StreamRefs request without input, a media link request with one, or an unknown transport.</exception>
    public static ISourceRef<object>? Check(RemoteTransport transport, ISourceRef<object>? input) => transport switch
    {
        RemoteTransport.StreamRefs when input is null => throw new ArgumentException("A StreamRefs session request must carry the client's input SourceRef.", nameof(input)),
        RemoteTransport.MediaLink when input is not null => throw new ArgumentException("A media link session request carries no input SourceRef: its elements travel on the link.", nameof(input)),
        RemoteTransport.StreamRefs or RemoteTransport.MediaLink => input,
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "Unknown remote transport."),
    };

    /// <summary>
    /// The transport as it travels in a request: one byte, 0 for the media link, 1 for StreamRefs followed by the
    /// input. Requests from before the transport was named wrote a boolean "has input" in that place, with the same bytes.
    /// </summary>
    public static byte ToWire(RemoteTransport transport) => transport == RemoteTransport.StreamRefs ? (byte)1 : (byte)0;

    /// <summary>The transport of wire byte <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">An unknown value (a newer client?).</exception>
    public static RemoteTransport FromWire(byte value) => value switch
    {
        0 => RemoteTransport.MediaLink,
        1 => RemoteTransport.StreamRefs,
        _ => throw new FormatException($"Unknown transport {value} in a session request. Are client and executor on the same AkkaMedia version?"),
    };
}
