using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using AkkaMedia.Host.Edge.Codecs;

namespace AkkaMedia.Host.Edge.Twilio;

/// <summary>
/// Reads the text messages Twilio Media Streams sends (<c>connected</c>, <c>start</c>, <c>media</c>, <c>mark</c>,
/// <c>stop</c>; anything else is <see cref="TwilioEvent.Ignored"/>) from their UTF-8 bytes, with
/// <see cref="Utf8JsonReader"/>. One parser per connection, used from one thread at a time.
/// </summary>
/// <remarks>
/// <para>Any input is handled: a message that is not what the edge accepts is a <see cref="TwilioProtocolException"/>
/// saying what to fix, never another exception. Fields the edge does not use (<c>sequenceNumber</c>,
/// <c>media.chunk</c>, <c>media.timestamp</c>, <c>dtmf</c>, ones Twilio adds later) are skipped, in any order.</para>
/// <para>A <c>media</c> payload is decoded from base64 straight from the message's bytes into a buffer rented from
/// <see cref="ArrayPool{T}.Shared"/> that the parser owns and reuses: <see cref="TwilioEvent.Media.Payload"/> is valid
/// until the next <see cref="Parse"/> or <see cref="Dispose"/>. Only <c>media</c> messages are decoded this way;
/// <c>start</c> and <c>mark</c> allocate their strings.</para>
/// </remarks>
internal sealed class TwilioMessageParser : IDisposable
{
    /// <summary>The caller's track.</summary>
    public const string InboundTrack = "inbound";

    /// <summary>The track of what the call plays.</summary>
    public const string OutboundTrack = "outbound";

    private const string MuLawEncoding = "audio/x-mulaw";
    private const string ALawEncoding = "audio/x-alaw";
    private const int TelephoneRate = 8000;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    private byte[] _payload = [];
    private byte[] _unescaped = [];
    private bool _disposed;

    private enum Kind
    {
        Missing,
        Connected,
        Start,
        Media,
        Mark,
        Stop,
        Other,
    }

    /// <summary>Reads one whole message.</summary>
    /// <param name="utf8Json">The message's bytes, as received; the caller's, read during the call only.</param>
    /// <exception cref="TwilioProtocolException">The message is not one JSON object with a string <c>event</c>, or the
    /// event the edge acts on lacks what it needs (see the message).</exception>
    /// <exception cref="ObjectDisposedException">The parser was disposed.</exception>
    public TwilioEvent Parse(ReadOnlySpan<byte> utf8Json)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            var (kind, name) = ReadEvent(utf8Json);
            return kind switch
            {
                Kind.Connected => ReadConnected(utf8Json),
                Kind.Start => ReadStart(utf8Json),
                Kind.Media => ReadMedia(utf8Json),
                Kind.Mark => ReadMark(utf8Json),
                Kind.Stop => TwilioEvent.Stop.Instance,
                Kind.Other => new TwilioEvent.Ignored(name!),
                _ => throw new TwilioProtocolException("a Twilio message needs an \"event\" string"),
            };
        }
        catch (JsonException e)
        {
            throw new TwilioProtocolException($"not a JSON object: invalid JSON at byte {e.BytePositionInLine} of line {e.LineNumber + 1}", e);
        }
        catch (InvalidOperationException e)
        {
            // The reader's answer to a string that is not valid UTF-8.
            throw new TwilioProtocolException("not a JSON object: a string in it is not UTF-8", e);
        }
    }

    /// <summary>Returns the payload buffer to the pool; the last <see cref="TwilioEvent.Media.Payload"/> is then invalid.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_payload.Length > 0)
            ArrayPool<byte>.Shared.Return(_payload);
        if (_unescaped.Length > 0)
            ArrayPool<byte>.Shared.Return(_unescaped);
        _payload = [];
        _unescaped = [];
    }

    // First pass: the whole message is read (so its syntax is checked) and its top-level "event" found, wherever it is.
    private static (Kind Kind, string? Name) ReadEvent(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new TwilioProtocolException("a Twilio message is one JSON object with an \"event\"");

        var kind = Kind.Missing;
        string? name = null;
        while (NextProperty(ref reader))
        {
            if (!reader.ValueTextEquals("event"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw new TwilioProtocolException("\"event\" must be a string");
            (kind, name) = reader.ValueTextEquals("media"u8) ? (Kind.Media, null)
                : reader.ValueTextEquals("mark"u8) ? (Kind.Mark, null)
                : reader.ValueTextEquals("start"u8) ? (Kind.Start, null)
                : reader.ValueTextEquals("stop"u8) ? (Kind.Stop, null)
                : reader.ValueTextEquals("connected"u8) ? (Kind.Connected, null)
                : (Kind.Other, reader.GetString());
        }

        if (reader.Read())
            throw new TwilioProtocolException("a Twilio message is one JSON object; more follows it");
        return (kind, name);
    }

    private static TwilioEvent.Connected ReadConnected(ReadOnlySpan<byte> json)
    {
        var reader = Open(json);
        string? protocol = null, version = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("protocol"u8))
                protocol = OptionalString(ref reader);
            else if (reader.ValueTextEquals("version"u8))
                version = OptionalString(ref reader);
            else
                SkipValue(ref reader);
        }

        return new TwilioEvent.Connected(protocol, version);
    }

    private static TwilioEvent.Start ReadStart(ReadOnlySpan<byte> json)
    {
        var reader = Open(json);
        string? streamSid = null, startStreamSid = null, callSid = null, accountSid = null;
        var law = G711Law.MuLaw;
        int rate = TelephoneRate, channels = 1;
        var tracks = new List<string>();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var sawStart = false;

        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("streamSid"u8))
            {
                streamSid = OptionalString(ref reader);
                continue;
            }

            if (!reader.ValueTextEquals("start"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new TwilioProtocolException("\"start\" must be an object with the stream's streamSid and mediaFormat");
            sawStart = true;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("streamSid"u8))
                    startStreamSid = OptionalString(ref reader);
                else if (reader.ValueTextEquals("callSid"u8))
                    callSid = OptionalString(ref reader);
                else if (reader.ValueTextEquals("accountSid"u8))
                    accountSid = OptionalString(ref reader);
                else if (reader.ValueTextEquals("mediaFormat"u8))
                    (law, rate, channels) = ReadMediaFormat(ref reader);
                else if (reader.ValueTextEquals("tracks"u8))
                    ReadTracks(ref reader, tracks);
                else if (reader.ValueTextEquals("customParameters"u8))
                    ReadParameters(ref reader, parameters);
                else
                    SkipValue(ref reader);
            }
        }

        if (!sawStart)
            throw new TwilioProtocolException("a start message needs a \"start\" object with the stream's streamSid and mediaFormat");
        var sid = startStreamSid ?? streamSid;
        if (string.IsNullOrEmpty(sid))
            throw new TwilioProtocolException("a start message needs a streamSid");
        return new TwilioEvent.Start(sid, callSid, accountSid, law, rate, channels, tracks, parameters);
    }

    private static (G711Law Law, int Rate, int Channels) ReadMediaFormat(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new TwilioProtocolException("start.mediaFormat must be an object: {\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}");

        var law = G711Law.MuLaw;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("encoding"u8))
            {
                reader.Read();
                law = reader.TokenType != JsonTokenType.String ? throw UnsupportedEncoding()
                    : reader.ValueTextEquals(MuLawEncoding) ? G711Law.MuLaw
                    : reader.ValueTextEquals(ALawEncoding) ? G711Law.ALaw
                    : throw UnsupportedEncoding();
            }
            else if (reader.ValueTextEquals("sampleRate"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var rate) || rate != TelephoneRate)
                    throw new TwilioProtocolException($"unsupported start.mediaFormat.sampleRate: the server takes {TelephoneRate}");
            }
            else if (reader.ValueTextEquals("channels"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var channels) || channels != 1)
                    throw new TwilioProtocolException("unsupported start.mediaFormat.channels: the server takes 1");
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return (law, TelephoneRate, 1);

        static TwilioProtocolException UnsupportedEncoding() =>
            new($"unsupported start.mediaFormat.encoding: the server takes {MuLawEncoding} or {ALawEncoding}");
    }

    private static void ReadTracks(ref Utf8JsonReader reader, List<string> tracks)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
                tracks.Add(reader.GetString()!);
            else
                reader.Skip();
        }
    }

    // Twilio sends the <Parameter>s as strings; any other value is kept as its JSON text, or left out when it is a
    // structure.
    private static void ReadParameters(ref Utf8JsonReader reader, Dictionary<string, string> parameters)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (NextProperty(ref reader))
        {
            var key = reader.GetString()!;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    parameters[key] = reader.GetString()!;
                    break;
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null:
                    parameters[key] = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    private TwilioEvent.Media ReadMedia(ReadOnlySpan<byte> json)
    {
        var reader = Open(json);
        string? track = null;
        var payload = -1;
        while (NextProperty(ref reader))
        {
            if (!reader.ValueTextEquals("media"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new TwilioProtocolException("\"media\" must be an object with a base64 \"payload\"");
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    payload = reader.TokenType == JsonTokenType.String
                        ? DecodePayload(ref reader)
                        : throw new TwilioProtocolException("media.payload must be a base64 string");
                }
                else if (reader.ValueTextEquals("track"u8))
                {
                    reader.Read();
                    track = reader.TokenType != JsonTokenType.String ? null
                        : reader.ValueTextEquals(InboundTrack) ? InboundTrack
                        : reader.ValueTextEquals(OutboundTrack) ? OutboundTrack
                        : reader.GetString();
                }
                else
                {
                    SkipValue(ref reader);
                }
            }
        }

        if (payload < 0)
            throw new TwilioProtocolException("a media message needs media.payload: base64 audio");
        return new TwilioEvent.Media(track, _payload.AsMemory(0, payload));
    }

    // Base64 straight from the message's UTF-8 (unescaped first only if the JSON escaped a character, as some writers
    // do with '+' and '/') into the pooled payload buffer; returns the payload's length.
    private int DecodePayload(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> base64;
        if (reader.ValueIsEscaped)
        {
            var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
            Ensure(ref _unescaped, length);
            base64 = _unescaped.AsSpan(0, reader.CopyString(_unescaped));
        }
        else
        {
            base64 = reader.ValueSpan;
        }

        Ensure(ref _payload, Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        var status = Base64.DecodeFromUtf8(base64, _payload, out _, out var written);
        if (status != OperationStatus.Done)
            throw new TwilioProtocolException("media.payload is not base64");
        return written;
    }

    private static TwilioEvent.Mark ReadMark(ReadOnlySpan<byte> json)
    {
        var reader = Open(json);
        string? name = null;
        while (NextProperty(ref reader))
        {
            if (!reader.ValueTextEquals("mark"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new TwilioProtocolException("\"mark\" must be an object with a \"name\"");
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("name"u8))
                    name = OptionalString(ref reader) ?? throw new TwilioProtocolException("mark.name must be a string");
                else
                    SkipValue(ref reader);
            }
        }

        return new TwilioEvent.Mark(name ?? throw new TwilioProtocolException("a mark message needs mark.name"));
    }

    // A second pass over a message the first pass has read whole: its syntax is known to be good.
    private static Utf8JsonReader Open(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        return reader;
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    /// <summary>From a property name, moves past its value.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>From a property name, reads its value: the string, or null for any other value (skipped).</summary>
    private static string? OptionalString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
            return reader.GetString();
        reader.Skip();
        return null;
    }

    private static void Ensure(ref byte[] buffer, int length)
    {
        if (buffer.Length >= length)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(length, 256));
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }
}
