using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaMedia.Host.Edge.Codecs;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// The <c>/media</c> protocol of docs/edge-protocol.md on one accepted WebSocket: <c>start</c> → <c>started</c>, audio both
/// ways (PCM16 or Opus), <c>ping</c>/<c>pong</c>, events, <c>stop</c> → <c>stopped</c> and close 1000; every violation an
/// <c>error</c> message and 1008, a failed pipeline 1011, a full server 1013 (<see cref="EdgeEndpoint{TOpening}"/>,
/// <see cref="EdgeConnection"/>).
/// </summary>
internal sealed class MediaEndpoint(EdgeHost host) : EdgeEndpoint<MediaEndpoint.Opening>(host)
{
    /// <inheritdoc />
    public override string Name => "media";

    /// <summary>A text message must be one JSON object: parses it, or says what to fix.</summary>
    /// <exception cref="EdgeProtocolException">It is not JSON, or not an object.</exception>
    internal static JsonDocument ParseObject(ReadOnlySpan<byte> utf8)
    {
        // The JSON reader checks the syntax but not the UTF-8 inside strings; reading such a string later would throw
        // InvalidOperationException, so the message is refused here as a whole.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw new EdgeProtocolException("A text message must be UTF-8; this one is not.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw new EdgeProtocolException("A text message must be one JSON object with a \"type\", such as {\"type\":\"stop\"}; this one is not valid JSON.");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new EdgeProtocolException("A text message must be one JSON object with a \"type\", such as {\"type\":\"stop\"}; this one is not an object.");
        }

        return document;
    }

    /// <summary>The <c>type</c> of a message.</summary>
    /// <exception cref="EdgeProtocolException">It has none, or not a string.</exception>
    internal static string TypeOf(JsonElement message) =>
        message.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? StringOf(type, "type")
            : throw new EdgeProtocolException("A text message needs a string \"type\": start, ping or stop.");

    /// <summary>The text of a JSON string; an escaped lone surrogate (<c>"\ud800"</c>) is the client's error.</summary>
    /// <exception cref="EdgeProtocolException">The string is not valid UTF-16 once unescaped; the message names <paramref name="field"/>.</exception>
    internal static string StringOf(JsonElement value, string field)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new EdgeProtocolException($"\"{field}\" is not a valid string: it escapes a lone surrogate.");
        }
    }

    /// <summary>The <c>error</c> message.</summary>
    internal static string ErrorJson(string message) => new JsonObject { ["type"] = "error", ["message"] = message }.ToJsonString(EdgeJson.Options);

    /// <inheritdoc />
    protected override async Task<Opening?> OpenAsync(EdgeSocket socket, CancellationToken aborted)
    {
        if (await ReceiveWithinIdleTimeoutAsync(socket, aborted).ConfigureAwait(false) is not { } message)
        {
            return null;
        }

        if (message.Type != WebSocketMessageType.Text)
        {
            throw new EdgeProtocolException("The first message must be the text message {\"type\":\"start\",\"sampleRate\":16000,\"channels\":1,\"encoding\":\"pcm16\"}; audio comes after \"started\".");
        }

        using var json = ParseObject(message.Bytes.Span);
        var type = TypeOf(json.RootElement);
        if (type != "start")
        {
            throw new EdgeProtocolException($"The first message must be a start, not '{type}': {{\"type\":\"start\",\"sampleRate\":16000,\"channels\":1,\"encoding\":\"pcm16\"}}.");
        }

        var start = MediaStart.Parse(json.RootElement);
        return new Opening(start, MediaEncodings.Create(start.Encoding, start.Format));
    }

    /// <inheritdoc />
    protected override ClientAudioFormat FormatOf(Opening opening) => opening.Start.Format;

    /// <inheritdoc />
    protected override string Describe(Opening opening) =>
        $"{opening.Start.Format.SampleRate} Hz, {opening.Start.Format.Channels} ch, {opening.Encoding.Name}";

    /// <inheritdoc />
    protected override EdgeConnection Connect(Opening opening, EdgeSocket socket, EdgeSession session) =>
        new Connection(Host, socket, session, this, opening.Encoding);

    /// <inheritdoc />
    public override string? ErrorText(string message) => ErrorJson(message);

    /// <summary>What a <c>start</c> settled: the format and the session's codec (disposed with the connection).</summary>
    internal sealed record Opening(MediaStart Start, IMediaEncoding Encoding) : IDisposable
    {
        public void Dispose() => Encoding.Dispose();
    }

    /// <summary>A running <c>/media</c> session.</summary>
    private sealed class Connection(EdgeHost host, EdgeSocket socket, EdgeSession session, EdgeProtocol protocol, IMediaEncoding encoding)
        : EdgeConnection(host, socket, session, protocol)
    {
        private readonly EdgeEvents _events = new();
        private byte[] _buffer = new byte[encoding.MaxEncodedBytes(session.Format.PacketSamples)];

        /// <inheritdoc />
        protected override async ValueTask OnMessageAsync(WebSocketMessageType type, ReadOnlyMemory<byte> bytes, CancellationToken aborted)
        {
            if (type == WebSocketMessageType.Binary)
            {
                if (StopRequested)
                {
                    throw new EdgeProtocolException("Audio after stop: a session takes no audio once it was asked to stop.");
                }

                await WriteAudioAsync(encoding.Decode(bytes.Span), aborted).ConfigureAwait(false);
                return;
            }

            using var json = ParseObject(bytes.Span);
            var message = json.RootElement;
            switch (TypeOf(message))
            {
                case "ping":
                    var pong = new JsonObject { ["type"] = "pong" };
                    if (message.TryGetProperty("id", out var id))
                    {
                        pong["id"] = JsonNode.Parse(id.GetRawText());
                    }

                    Session.Outbox.PostControl(pong.ToJsonString(EdgeJson.Options), urgent: true);
                    break;
                case "stop":
                    RequestStop();
                    break;
                case "start":
                    throw new EdgeProtocolException("A second start: a connection carries one session; open another connection for another format.");
                case var other:
                    throw new EdgeProtocolException($"Unknown message type '{other}': a client sends start, then audio, ping and stop.");
            }
        }

        /// <inheritdoc />
        protected override async ValueTask SendAsync(EdgeOutgoing item, CancellationToken aborted)
        {
            switch (item)
            {
                case EdgeOutgoing.Audio audio:
                    var samples = audio.Frame.Samples.Span;
                    if (_buffer.Length < encoding.MaxEncodedBytes(samples.Length))
                    {
                        _buffer = new byte[encoding.MaxEncodedBytes(samples.Length)];
                    }

                    var length = encoding.Encode(samples, _buffer);
                    audio.Frame.Release();
                    await Socket.SendBinaryAsync(_buffer.AsMemory(0, length), aborted).ConfigureAwait(false);
                    CountSent();
                    break;
                case EdgeOutgoing.Element element:
                    if (_events.ToJson(element.Value) is { } json)
                    {
                        await Socket.SendTextAsync(json, aborted).ConfigureAwait(false);
                    }

                    break;
                case EdgeOutgoing.Dropped dropped:
                    var notice = new JsonObject { ["type"] = "dropped", ["frames"] = dropped.Packets };
                    if (dropped.Elements > 0)
                    {
                        notice["events"] = dropped.Elements;
                    }

                    if (dropped.Incoming > 0)
                    {
                        notice["incoming"] = dropped.Incoming;
                    }

                    await Socket.SendTextAsync(notice.ToJsonString(EdgeJson.Options), aborted).ConfigureAwait(false);
                    break;
                case EdgeOutgoing.Control { Message: string text }:
                    await Socket.SendTextAsync(text, aborted).ConfigureAwait(false);
                    break;
            }
        }

        /// <inheritdoc />
        protected override ValueTask OnStartedAsync(CancellationToken aborted) =>
            Socket.SendTextAsync(new JsonObject { ["type"] = "started", ["session"] = Session.Id }.ToJsonString(EdgeJson.Options), aborted);

        /// <inheritdoc />
        protected override ValueTask BeforeNormalCloseAsync(CancellationToken aborted) =>
            Socket.SendTextAsync(new JsonObject { ["type"] = "stopped", ["framesIn"] = Session.FramesIn, ["framesOut"] = Session.FramesOut }.ToJsonString(EdgeJson.Options), aborted);
    }
}
