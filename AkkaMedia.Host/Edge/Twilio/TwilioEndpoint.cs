using System.Net.WebSockets;
using Akka.Event;
using AkkaMedia.Host.Commands;
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
/// <para>Loops as <see cref="MediaEndpoint"/>'s: the receive loop waits for room in the pipeline before it reads the socket
/// again; the send loop is the only writer; whatever ends first, the session's stream is stopped before the handler returns.</para>
/// </remarks>
internal sealed class TwilioEndpoint(EdgeHost host)
{
    /// <summary>The protocol's name in metrics and logs.</summary>
    public const string Protocol = "twilio";

    /// <summary>Twilio's audio: 8 kHz mono.</summary>
    public static readonly ClientAudioFormat Format = new(8000, 1);

    /// <summary>Runs the protocol on <paramref name="webSocket"/> until the connection ends.</summary>
    public async Task RunAsync(WebSocket webSocket, CancellationToken aborted)
    {
        var socket = new EdgeSocket(webSocket, host.Settings.MaxMessageBytes);
        if (!host.TryEnter())
        {
            host.Metrics.Refused("at_capacity");
            var close = host.Stopping.IsCancellationRequested
                ? EdgeClose.ServerStopping
                : new EdgeClose(EdgeClose.TryAgainLater, $"server at its limit of {host.Settings.MaxSessions} sessions; try again later", null, "refused");
            await RefuseAsync(socket, close, aborted).ConfigureAwait(false);
            return;
        }

        try
        {
            await RunAdmittedAsync(socket, aborted).ConfigureAwait(false);
        }
        finally
        {
            host.Exit();
        }
    }

    private async Task RunAdmittedAsync(EdgeSocket socket, CancellationToken aborted)
    {
        using var parser = new TwilioMessageParser();
        TwilioEvent.Start start;
        try
        {
            var first = await ReceiveStartAsync(socket, parser, aborted).ConfigureAwait(false);
            if (first is null)
            {
                return;
            }

            start = first;
        }
        catch (Exception e) when (e is TwilioProtocolException or EdgeProtocolException)
        {
            await RefuseAsync(socket, EdgeClose.Violation(e.Message), aborted).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return;
        }

        using var writer = new TwilioMessageWriter(start.StreamSid);
        EdgeSession session;
        try
        {
            session = host.StartSession(Format, Protocol);
        }
        catch (Exception e)
        {
            host.Log.Warning("Edge session could not start its pipeline: {0}", RunCommand.Explain(e));
            await RefuseAsync(socket, new EdgeClose(WebSocketCloseStatus.InternalServerError, $"pipeline failed: {RunCommand.Explain(e)}", null, "pipeline_failed"), aborted).ConfigureAwait(false);
            return;
        }

        host.Metrics.SessionStarted(Protocol);
        host.Log.Info("Edge session {0} started: {1}, stream {2}, call {3}, {4}", session.Id, Protocol, start.StreamSid, start.CallSid, start.Law);
        var endReason = "client_gone";
        try
        {
            var connection = new Connection(host, socket, session, parser, writer, G711Codec.For(start.Law));
            endReason = await connection.RunAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            endReason = "client_gone";
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
            host.Metrics.SessionEnded(Protocol, endReason);
            host.Log.Info("Edge session {0} ended ({1}): {2} media messages in, {3} packets out, {4} dropped", session.Id, endReason, session.FramesIn, session.FramesOut, session.Outbox.TotalDroppedPackets);
        }
    }

    /// <summary>
    /// Reads up to the <c>start</c> (skipping <c>connected</c> and ignored events), each message within the idle timeout.
    /// Null when the client left or stopped first, or was closed for its silence.
    /// </summary>
    /// <exception cref="TwilioProtocolException">A message before <c>start</c> breaks the protocol.</exception>
    private async Task<TwilioEvent.Start?> ReceiveStartAsync(EdgeSocket socket, TwilioMessageParser parser, CancellationToken aborted)
    {
        while (true)
        {
            var receive = socket.ReceiveAsync(aborted).AsTask();
            if (await Task.WhenAny(receive, Task.Delay(host.Settings.IdleTimeout, aborted)).ConfigureAwait(false) != receive)
            {
                // The read stays pending; the refusal must wait for it rather than read again.
                _ = receive.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await RefuseAsync(socket, EdgeClose.Idle(host.Settings.IdleTimeout), aborted, receive).ConfigureAwait(false);
                return null;
            }

            if (await receive.ConfigureAwait(false) is not { } message)
            {
                return null;
            }

            switch (Parse(parser, message))
            {
                case TwilioEvent.Start start:
                    return start;
                case TwilioEvent.Media:
                    throw new TwilioProtocolException("media before start: send the start message first");
                case TwilioEvent.Mark:
                    throw new TwilioProtocolException("mark before start: send the start message first");
                case TwilioEvent.Stop:
                    await RefuseAsync(socket, new EdgeClose(WebSocketCloseStatus.NormalClosure, "stopped", null, "stopped"), aborted).ConfigureAwait(false);
                    return null;
            }
        }
    }

    private static TwilioEvent Parse(TwilioMessageParser parser, (WebSocketMessageType Type, ReadOnlyMemory<byte> Bytes) message) =>
        message.Type == WebSocketMessageType.Text
            ? parser.Parse(message.Bytes.Span)
            : throw new TwilioProtocolException("binary message: Twilio Media Streams messages are JSON text");

    /// <summary>Ends a connection that has no session: the close frame, then a bounded wait for the client's close.</summary>
    private async Task RefuseAsync(EdgeSocket socket, EdgeClose close, CancellationToken aborted, Task? pendingReceive = null)
    {
        try
        {
            await socket.CloseOutputAsync(close.Status, close.Reason, aborted).ConfigureAwait(false);
            if (pendingReceive is not null
                && await Task.WhenAny(pendingReceive, Task.Delay(host.Settings.CloseTimeout, aborted)).ConfigureAwait(false) != pendingReceive)
            {
                socket.Socket.Abort();
                return;
            }

            if (pendingReceive is null)
            {
                await MediaEndpoint.DrainUntilClosedAsync(socket, host.Settings.CloseTimeout, aborted).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }

    /// <summary>A <c>mark</c> to answer, queued in order with the outgoing audio.</summary>
    private sealed record MarkAnswer(string Name);

    /// <summary>One running session's two loops and what they share.</summary>
    private sealed class Connection(EdgeHost host, EdgeSocket socket, EdgeSession session, TwilioMessageParser parser, TwilioMessageWriter writer, G711Codec codec)
    {
        private volatile bool _stopRequested;

        public async Task<string> RunAsync(CancellationToken aborted)
        {
            using var idle = new Timer(_ => session.Outbox.PostControl(EdgeClose.Idle(host.Settings.IdleTimeout), urgent: true));
            await using var stopping = host.Stopping.Register(() => session.Outbox.PostControl(EdgeClose.ServerStopping, urgent: true));
            var send = SendLoopAsync(aborted);
            var receive = ReceiveLoopAsync(idle, aborted);
            var endReason = await send.ConfigureAwait(false);
            idle.Change(Timeout.Infinite, Timeout.Infinite);

            // The close frame is out (or the client is gone): stop the stream now, then wait for the client's close.
            session.Abort(new EdgeSessionClosedException($"Session {session.Id} ended: {endReason}."));
            if (await Task.WhenAny(receive, Task.Delay(host.Settings.CloseTimeout, CancellationToken.None)).ConfigureAwait(false) != receive)
            {
                socket.Socket.Abort();
            }

            await receive.ConfigureAwait(false);
            return endReason;
        }

        private async Task ReceiveLoopAsync(Timer idle, CancellationToken aborted)
        {
            var timeout = host.Settings.IdleTimeout;
            try
            {
                while (true)
                {
                    // After stop the stream ends on its own time: the client's silence then is not idleness.
                    idle.Change(_stopRequested ? Timeout.InfiniteTimeSpan : timeout, Timeout.InfiniteTimeSpan);
                    if (await socket.ReceiveAsync(aborted).ConfigureAwait(false) is not { } message)
                    {
                        break;
                    }

                    if (socket.CloseSent)
                    {
                        continue;
                    }

                    switch (Parse(parser, message))
                    {
                        case TwilioEvent.Media media when media.IsInbound && !_stopRequested:
                            var samples = new float[media.Payload.Length];
                            codec.Decode(media.Payload.Span, samples);
                            host.Metrics.FrameReceived(Protocol);

                            // Time spent waiting for the pipeline is not the caller's silence.
                            idle.Change(Timeout.Infinite, Timeout.Infinite);
                            await session.WriteAsync(samples, aborted).ConfigureAwait(false);
                            break;
                        case TwilioEvent.Mark mark:
                            session.Outbox.PostControl(new MarkAnswer(mark.Name));
                            break;
                        case TwilioEvent.Stop when !_stopRequested:
                            _stopRequested = true;
                            session.CompleteInput();
                            break;
                        case TwilioEvent.Start:
                            throw new TwilioProtocolException("a second start: a connection carries one stream");
                    }
                }
            }
            catch (Exception e) when (e is TwilioProtocolException or EdgeProtocolException)
            {
                // EdgeProtocolException: a message over max-message-bytes (EdgeSocket).
                session.Outbox.PostControl(EdgeClose.Violation(e.Message), urgent: true);
                await MediaEndpoint.DrainUntilClosedAsync(socket, host.Settings.CloseTimeout + host.Settings.CloseTimeout, aborted).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The connection broke: handled below as the client's departure.
            }
            finally
            {
                idle.Change(Timeout.Infinite, Timeout.Infinite);
            }

            // The client closed (or vanished) first; if the send loop has not closed yet, it answers the close.
            session.Outbox.PostControl(EdgeClose.ClientGone, urgent: true);
        }

        /// <summary>Sends what the outbox hands out until the connection ends; returns why it ended.</summary>
        private async Task<string> SendLoopAsync(CancellationToken aborted)
        {
            var codes = new byte[Format.PacketSamples];
            try
            {
                while (true)
                {
                    switch (await session.Outbox.TakeAsync(aborted).ConfigureAwait(false))
                    {
                        case EdgeOutgoing.Audio audio:
                            var samples = audio.Frame.Samples.Span;
                            if (codes.Length < samples.Length)
                            {
                                codes = new byte[samples.Length];
                            }

                            codec.Encode(samples, codes);
                            await socket.SendTextAsync(writer.Media(codes.AsSpan(0, samples.Length)), aborted).ConfigureAwait(false);
                            session.CountSent();
                            host.Metrics.FrameSent(Protocol);
                            break;
                        case EdgeOutgoing.Control { Message: MarkAnswer mark }:
                            await socket.SendTextAsync(writer.Mark(mark.Name), aborted).ConfigureAwait(false);
                            break;
                        case EdgeOutgoing.Control { Message: EdgeClose close }:
                            await socket.CloseOutputAsync(close.Status, close.Reason, aborted).ConfigureAwait(false);
                            return close.EndReason;
                        case EdgeOutgoing.End { Failure: null }:
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, _stopRequested ? "stopped" : "pipeline completed", aborted).ConfigureAwait(false);
                            return _stopRequested ? "stopped" : "completed";
                        case EdgeOutgoing.End end:
                            var reason = RunCommand.Explain(end.Failure!);
                            host.Log.Warning("Edge session {0}: the pipeline failed: {1}", session.Id, reason);
                            await socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, $"pipeline failed: {reason}", aborted).ConfigureAwait(false);
                            return "pipeline_failed";

                        // Elements other than audio and drop notices have no message in Twilio's protocol (drops are in /metrics).
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return "client_gone";
            }
        }
    }
}
