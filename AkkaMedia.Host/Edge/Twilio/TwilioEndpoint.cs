using System.Net.WebSockets;
using AkkaMedia.Host.Edge.Codecs;

namespace AkkaMedia.Host.Edge.Twilio;

/// <summary>
/// The <c>/twilio</c> protocol of docs/edge-protocol.md on one accepted WebSocket: Twilio Media Streams. <c>start</c> opens
/// the session at 8 kHz mono in the start's law (μ-law or A-law); the caller's <c>media</c> goes into the pipeline; what
/// the pipeline sends back goes out as 20 ms <c>media</c> messages (160 bytes of G.711) with the same <c>streamSid</c>;
/// a <c>mark</c> is answered with the same mark in order after the audio already waiting to be sent; <c>stop</c> flushes
/// the pipeline and closes with 1000.
/// </summary>
/// <remarks>
/// <para>Twilio has no error message: a violation (media or mark before <c>start</c>, a binary message, a payload that is
/// not base64, an unsupported <c>mediaFormat</c>, a message without an <c>event</c>, a second <c>start</c>, silence past
/// the idle timeout) closes with 1008 and says what to fix in the close frame's reason; a failed pipeline closes with 1011
/// and the failure as the reason; a full server with 1013.</para>
/// <para>Only the caller's audio (<c>inbound</c>, or no track named) is fed to the pipeline; an <c>outbound</c> track (what
/// the call plays, sent by <c>&lt;Start&gt;&lt;Stream track="both_tracks"&gt;</c>) is skipped. Elements other than audio
/// have no place in the protocol and are not sent. <c>dtmf</c>, <c>connected</c> and unknown events are ignored.</para>
/// <para>Admission, loops and endings are every protocol's (<see cref="EdgeEndpoint{TOpening}"/>, <see cref="EdgeConnection"/>).</para>
/// </remarks>
internal sealed class TwilioEndpoint(EdgeHost host) : EdgeEndpoint<TwilioEndpoint.Opening>(host)
{
    /// <summary>Twilio's audio: 8 kHz mono.</summary>
    public static readonly ClientAudioFormat Format = new(8000, 1);

    /// <inheritdoc />
    public override string Name => "twilio";

    /// <summary>
    /// Reads up to the <c>start</c> (skipping <c>connected</c> and ignored events), each message within the idle timeout.
    /// Null when the client left or stopped first, or was closed for its silence.
    /// </summary>
    protected override async Task<Opening?> OpenAsync(EdgeSocket socket, CancellationToken aborted)
    {
        var parser = new TwilioMessageParser();
        try
        {
            while (true)
            {
                if (await ReceiveWithinIdleTimeoutAsync(socket, aborted).ConfigureAwait(false) is not { } message)
                {
                    parser.Dispose();
                    return null;
                }

                switch (Parse(parser, message.Type, message.Bytes))
                {
                    case TwilioEvent.Start start:
                        return new Opening(start, parser, new TwilioMessageWriter(start.StreamSid), G711Codec.For(start.Law));
                    case TwilioEvent.Media:
                        throw new TwilioProtocolException("media before start: send the start message first");
                    case TwilioEvent.Mark:
                        throw new TwilioProtocolException("mark before start: send the start message first");
                    case TwilioEvent.Stop:
                        parser.Dispose();
                        await RefuseAsync(socket, new EdgeClose(WebSocketCloseStatus.NormalClosure, "stopped", null, "stopped"), aborted).ConfigureAwait(false);
                        return null;
                }
            }
        }
        catch
        {
            parser.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override ClientAudioFormat FormatOf(Opening opening) => Format;

    /// <inheritdoc />
    protected override string Describe(Opening opening) => $"stream {opening.Start.StreamSid}, call {opening.Start.CallSid}, {opening.Start.Law}";

    /// <inheritdoc />
    protected override EdgeConnection Connect(Opening opening, EdgeSocket socket, EdgeSession session) => new Connection(Host, socket, session, this, opening);

    /// <summary>Twilio has no error message: the close frame's reason says what to fix.</summary>
    public override string? ErrorText(string message) => null;

    /// <inheritdoc />
    public override bool IsViolation(Exception exception) => exception is TwilioProtocolException or EdgeProtocolException;

    private static TwilioEvent Parse(TwilioMessageParser parser, WebSocketMessageType type, ReadOnlyMemory<byte> bytes) =>
        type == WebSocketMessageType.Text
            ? parser.Parse(bytes.Span)
            : throw new TwilioProtocolException("binary message: Twilio Media Streams messages are JSON text");

    /// <summary>What a <c>start</c> settled: the stream, the parser (its payload buffer), the writer and the law; disposed with the connection.</summary>
    internal sealed record Opening(TwilioEvent.Start Start, TwilioMessageParser Parser, TwilioMessageWriter Writer, G711Codec Codec) : IDisposable
    {
        public void Dispose()
        {
            Parser.Dispose();
            Writer.Dispose();
        }
    }

    /// <summary>A <c>mark</c> to answer, queued in order with the outgoing audio.</summary>
    private sealed record MarkAnswer(string Name);

    /// <summary>A running <c>/twilio</c> session.</summary>
    private sealed class Connection(EdgeHost host, EdgeSocket socket, EdgeSession session, EdgeProtocol protocol, Opening opening)
        : EdgeConnection(host, socket, session, protocol)
    {
        private byte[] _codes = new byte[Format.PacketSamples];

        /// <inheritdoc />
        protected override async ValueTask OnMessageAsync(WebSocketMessageType type, ReadOnlyMemory<byte> bytes, CancellationToken aborted)
        {
            switch (Parse(opening.Parser, type, bytes))
            {
                case TwilioEvent.Media media when media.IsInbound && !StopRequested:
                    var samples = GC.AllocateUninitializedArray<float>(media.Payload.Length); // the codec writes every element
                    opening.Codec.Decode(media.Payload.Span, samples);
                    await WriteAudioAsync(samples, aborted).ConfigureAwait(false);
                    break;
                case TwilioEvent.Mark mark:
                    Session.Outbox.PostControl(new MarkAnswer(mark.Name));
                    break;
                case TwilioEvent.Stop:
                    RequestStop();
                    break;
                case TwilioEvent.Start:
                    throw new TwilioProtocolException("a second start: a connection carries one stream");
            }
        }

        /// <inheritdoc />
        protected override async ValueTask SendAsync(EdgeOutgoing item, CancellationToken aborted)
        {
            switch (item)
            {
                case EdgeOutgoing.Audio audio:
                    var samples = audio.Frame.Samples.Span;
                    if (_codes.Length < samples.Length)
                    {
                        _codes = new byte[samples.Length];
                    }

                    opening.Codec.Encode(samples, _codes);
                    audio.Frame.Release();
                    await Socket.SendTextAsync(opening.Writer.Media(_codes.AsSpan(0, samples.Length)), aborted).ConfigureAwait(false);
                    CountSent();
                    break;
                case EdgeOutgoing.Control { Message: MarkAnswer mark }:
                    await Socket.SendTextAsync(opening.Writer.Mark(mark.Name), aborted).ConfigureAwait(false);
                    break;

                // Elements other than audio and drop notices have no message in Twilio's protocol (drops are in /metrics).
            }
        }
    }
}
