using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AkkaMedia.Host.Edge.Twilio;

/// <summary>
/// Writes the messages the edge sends to Twilio Media Streams for one stream:
/// <c>{"event":"media","streamSid":"MZ…","media":{"payload":"…"}}</c> and
/// <c>{"event":"mark","streamSid":"MZ…","mark":{"name":"…"}}</c>, as UTF-8 JSON text.
/// One writer per connection, used from one thread at a time (the connection's send loop).
/// </summary>
/// <remarks>
/// Each call returns the message in a buffer the writer owns and reuses: it is valid until the next call (send it,
/// then write the next). Writing allocates nothing once the buffer has grown to the largest message.
/// </remarks>
internal sealed class TwilioMessageWriter : IDisposable
{
    private static readonly JsonEncodedText EventName = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText MediaEvent = JsonEncodedText.Encode("media");
    private static readonly JsonEncodedText MarkEvent = JsonEncodedText.Encode("mark");
    private static readonly JsonEncodedText StreamSidName = JsonEncodedText.Encode("streamSid");
    private static readonly JsonEncodedText PayloadName = JsonEncodedText.Encode("payload");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText _streamSid;

    /// <summary>Creates a writer for the stream <paramref name="streamSid"/> (the <c>start</c>'s).</summary>
    /// <exception cref="ArgumentException"><paramref name="streamSid"/> is null or empty.</exception>
    public TwilioMessageWriter(string streamSid)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamSid);
        StreamSid = streamSid;
        _streamSid = JsonEncodedText.Encode(streamSid, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    /// <summary>The stream every message names.</summary>
    public string StreamSid { get; }

    /// <summary>A <c>media</c> message carrying <paramref name="codes"/> (G.711, one byte per sample) as base64.</summary>
    /// <param name="codes">The caller's codes, read during the call only.</param>
    public ReadOnlyMemory<byte> Media(ReadOnlySpan<byte> codes)
    {
        Begin(MediaEvent);
        _json.WriteStartObject(MediaEvent);
        _json.WriteBase64String(PayloadName, codes);
        return End();
    }

    /// <summary>A <c>mark</c> message naming <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public ReadOnlyMemory<byte> Mark(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Begin(MarkEvent);
        _json.WriteStartObject(MarkEvent);
        _json.WriteString(NameName, name);
        return End();
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();

    private void Begin(JsonEncodedText eventName)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString(EventName, eventName);
        _json.WriteString(StreamSidName, _streamSid);
    }

    private ReadOnlyMemory<byte> End()
    {
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }
}
