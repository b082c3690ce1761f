using AkkaMedia.Host.Edge.Codecs;

namespace AkkaMedia.Host.Edge.Twilio;

/// <summary>
/// One message from Twilio Media Streams, as <see cref="TwilioMessageParser"/> reads it: only what the edge acts on.
/// </summary>
internal abstract record TwilioEvent
{
    private TwilioEvent()
    {
    }

    /// <summary><c>connected</c>: the first message of a stream; the edge needs nothing from it.</summary>
    /// <param name="Protocol">The <c>protocol</c> named (<c>Call</c>), if any.</param>
    /// <param name="Version">The <c>version</c> named, if any.</param>
    public sealed record Connected(string? Protocol, string? Version) : TwilioEvent;

    /// <summary><c>start</c>: the stream's identity and audio format.</summary>
    /// <param name="StreamSid">The stream's id (<c>MZ…</c>), to carry on every message sent back.</param>
    /// <param name="CallSid">The call's id (<c>CA…</c>), if given.</param>
    /// <param name="AccountSid">The account's id (<c>AC…</c>), if given.</param>
    /// <param name="Law">The G.711 law of the audio, both ways (<c>mediaFormat.encoding</c>).</param>
    /// <param name="SampleRate">Samples per second (always 8000).</param>
    /// <param name="Channels">Channels (always 1).</param>
    /// <param name="Tracks">The tracks announced (<c>inbound</c>, <c>outbound</c>).</param>
    /// <param name="CustomParameters">The <c>&lt;Parameter&gt;</c>s of the TwiML <c>&lt;Stream&gt;</c>.</param>
    public sealed record Start(
        string StreamSid,
        string? CallSid,
        string? AccountSid,
        G711Law Law,
        int SampleRate,
        int Channels,
        IReadOnlyList<string> Tracks,
        IReadOnlyDictionary<string, string> CustomParameters) : TwilioEvent;

    /// <summary><c>media</c>: G.711 codes, one byte per sample, in the start's law.</summary>
    /// <param name="Track">The track (<c>inbound</c>: the caller; <c>outbound</c>: what the call plays), or null when not named.</param>
    /// <param name="Payload">The decoded payload. Borrowed from the parser: valid until its next <c>Parse</c> or its disposal.</param>
    public sealed record Media(string? Track, ReadOnlyMemory<byte> Payload) : TwilioEvent
    {
        /// <summary>Whether this is the caller's audio: the <c>inbound</c> track, or no track named.</summary>
        public bool IsInbound => Track is null or TwilioMessageParser.InboundTrack;
    }

    /// <summary><c>mark</c>: a name to answer once the audio before it has gone out.</summary>
    /// <param name="Name">The mark's <c>mark.name</c>.</param>
    public sealed record Mark(string Name) : TwilioEvent;

    /// <summary><c>stop</c>: the stream ends.</summary>
    public sealed record Stop : TwilioEvent
    {
        /// <summary>The one instance.</summary>
        public static readonly Stop Instance = new();

        private Stop()
        {
        }
    }

    /// <summary>Any other event (<c>dtmf</c>, new ones): the edge ignores it.</summary>
    /// <param name="Event">The event's name.</param>
    public sealed record Ignored(string Event) : TwilioEvent;
}
