using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Event;
using AkkaMedia.Host.Commands;
using AkkaMedia.Host.Edge.Codecs;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// The <c>/media</c> protocol of docs/edge-protocol.md on one accepted WebSocket: <c>start</c> → <c>started</c>, audio both
/// ways, <c>ping</c>/<c>pong</c>, events, <c>stop</c> → <c>stopped</c> and close 1000; every violation an <c>error</c> and
/// 1008, a failed pipeline 1011, a full server 1013.
/// </summary>
/// <remarks>
/// Two loops per connection. The receive loop reads the socket and hands audio to the session, waiting for room before it
/// reads again (TCP slows a fast client). The send loop is the only writer: it sends what the session's outbox hands out
/// (audio, events, controls) and ends the connection. Whatever ends first (stop, violation, idle timeout, client gone,
/// pipeline failure, server stop), the session's stream is stopped and its remote stages released before the handler returns.
/// </remarks>
internal sealed class MediaEndpoint(EdgeHost host)
{
    /// <summary>The protocol's name in metrics and logs.</summary>
    public const string Protocol = "media";

    /// <summary>Runs the protocol on <paramref name="webSocket"/> until the connection ends.</summary>
    public async Task RunAsync(WebSocket webSocket, CancellationToken aborted)
    {
        var socket = new EdgeSocket(webSocket, host.Settings.MaxMessageBytes);
        if (!host.TryEnter())
        {
            host.Metrics.Refused("at_capacity");
            var message = host.Stopping.IsCancellationRequested
                ? EdgeClose.ServerStopping.ErrorMessage!
                : $"The server is at its limit of {host.Settings.MaxSessions} sessions (--max-sessions); try again later.";
            await RefuseAsync(socket, new EdgeClose(EdgeClose.TryAgainLater, "server at capacity", message, "refused"), aborted).ConfigureAwait(false);
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
        MediaStart start;
        IMediaEncoding encoding;
        try
        {
            var first = await ReceiveFirstAsync(socket, aborted).ConfigureAwait(false);
            if (first is null)
            {
                return;
            }

            start = first;
            encoding = MediaEncodings.Create(start.Encoding, start.Format);
        }
        catch (EdgeProtocolException e)
        {
            await RefuseAsync(socket, EdgeClose.Violation(e.Message), aborted).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return;
        }

        using var _ = encoding;
        var session = host.StartSession(start.Format, Protocol);
        host.Metrics.SessionStarted(Protocol);
        host.Log.Info("Edge session {0} started: {1}, {2} Hz, {3} ch, {4}", session.Id, Protocol, start.Format.SampleRate, start.Format.Channels, encoding.Name);
        var endReason = "client_gone";
        try
        {
            await socket.SendTextAsync(new JsonObject { ["type"] = "started", ["session"] = session.Id }.ToJsonString(EdgeJson.Options), aborted).ConfigureAwait(false);
            var connection = new Connection(host, socket, session, encoding);
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
            host.Log.Info("Edge session {0} ended ({1}): {2} audio messages in, {3} packets out, {4} dropped", session.Id, endReason, session.FramesIn, session.FramesOut, session.Outbox.TotalDroppedPackets);
        }
    }

    /// <summary>Waits for the <c>start</c> message (up to the idle timeout). Null when the client left first.</summary>
    private async Task<MediaStart?> ReceiveFirstAsync(EdgeSocket socket, CancellationToken aborted)
    {
        var receive = socket.ReceiveAsync(aborted).AsTask();
        if (await Task.WhenAny(receive, Task.Delay(host.Settings.IdleTimeout, aborted)).ConfigureAwait(false) != receive)
        {
            // The read stays pending; the refusal must wait for it rather than read again.
            _ = receive.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await RefuseAsync(socket, EdgeClose.Idle(host.Settings.IdleTimeout), aborted, receive).ConfigureAwait(false);
            return null;
        }

        var message = await receive.ConfigureAwait(false);
        if (message is not { } m)
        {
            return null;
        }

        if (m.Type != WebSocketMessageType.Text)
        {
            throw new EdgeProtocolException("The first message must be the text message {\"type\":\"start\",\"sampleRate\":16000,\"channels\":1,\"encoding\":\"pcm16\"}; audio comes after \"started\".");
        }

        using var json = ParseObject(m.Bytes.Span);
        var type = TypeOf(json.RootElement);
        if (type != "start")
        {
            throw new EdgeProtocolException($"The first message must be a start, not '{type}': {{\"type\":\"start\",\"sampleRate\":16000,\"channels\":1,\"encoding\":\"pcm16\"}}.");
        }

        return MediaStart.Parse(json.RootElement);
    }

    /// <summary>Ends a connection that has no session: an error, the close, and a bounded wait for the client's close.</summary>
    private async Task RefuseAsync(EdgeSocket socket, EdgeClose close, CancellationToken aborted, Task? pendingReceive = null)
    {
        try
        {
            await socket.SendTextAsync(ErrorJson(close.ErrorMessage!), aborted).ConfigureAwait(false);
            await socket.CloseOutputAsync(close.Status, close.Reason, aborted).ConfigureAwait(false);
            if (pendingReceive is not null)
            {
                if (await Task.WhenAny(pendingReceive, Task.Delay(host.Settings.CloseTimeout, aborted)).ConfigureAwait(false) != pendingReceive)
                {
                    socket.Socket.Abort();
                    return;
                }
            }

            await DrainUntilClosedAsync(socket, host.Settings.CloseTimeout, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }

    /// <summary>Reads and discards until the client's close frame arrives, or aborts the connection after <paramref name="timeout"/>.</summary>
    internal static async Task DrainUntilClosedAsync(EdgeSocket socket, TimeSpan timeout, CancellationToken aborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(timeout);
        try
        {
            while (await socket.ReceiveAsync(deadline.Token).ConfigureAwait(false) is not null)
            {
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or EdgeProtocolException)
        {
            socket.Socket.Abort();
        }
    }

    internal static JsonDocument ParseObject(ReadOnlySpan<byte> utf8)
    {
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

    internal static string TypeOf(JsonElement message) =>
        message.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new EdgeProtocolException("A text message needs a string \"type\": start, ping or stop.");

    internal static string ErrorJson(string message) => new JsonObject { ["type"] = "error", ["message"] = message }.ToJsonString(EdgeJson.Options);

    /// <summary>One running session's two loops and what they share.</summary>
    private sealed class Connection(EdgeHost host, EdgeSocket socket, EdgeSession session, IMediaEncoding encoding)
    {
        private readonly EdgeEvents _events = new();
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
                    idle.Change(timeout, Timeout.InfiniteTimeSpan);
                    var message = await socket.ReceiveAsync(aborted).ConfigureAwait(false);
                    if (message is not { } m)
                    {
                        break;
                    }

                    if (socket.CloseSent)
                    {
                        continue;
                    }

                    if (m.Type == WebSocketMessageType.Binary)
                    {
                        if (_stopRequested)
                        {
                            throw new EdgeProtocolException("Audio after stop: a session takes no audio once it was asked to stop.");
                        }

                        var samples = encoding.Decode(m.Bytes.Span);
                        host.Metrics.FrameReceived(Protocol);

                        // Time spent waiting for the pipeline is not the client's silence.
                        idle.Change(Timeout.Infinite, Timeout.Infinite);
                        await session.WriteAsync(samples, aborted).ConfigureAwait(false);
                    }
                    else
                    {
                        OnText(m.Bytes.Span);
                    }
                }
            }
            catch (EdgeProtocolException e)
            {
                session.Outbox.PostControl(EdgeClose.Violation(e.Message), urgent: true);
                await DrainUntilClosedAsync(socket, host.Settings.CloseTimeout + host.Settings.CloseTimeout, aborted).ConfigureAwait(false);
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

        private void OnText(ReadOnlySpan<byte> utf8)
        {
            using var json = ParseObject(utf8);
            var message = json.RootElement;
            switch (TypeOf(message))
            {
                case "ping":
                    var pong = new JsonObject { ["type"] = "pong" };
                    if (message.TryGetProperty("id", out var id))
                    {
                        pong["id"] = JsonNode.Parse(id.GetRawText());
                    }

                    session.Outbox.PostControl(pong.ToJsonString(EdgeJson.Options), urgent: true);
                    break;
                case "stop":
                    if (!_stopRequested)
                    {
                        _stopRequested = true;
                        session.CompleteInput();
                    }

                    break;
                case "start":
                    throw new EdgeProtocolException("A second start: a connection carries one session; open another connection for another format.");
                case var other:
                    throw new EdgeProtocolException($"Unknown message type '{other}': a client sends start, then audio, ping and stop.");
            }
        }

        /// <summary>Sends what the outbox hands out until the connection ends; returns why it ended.</summary>
        private async Task<string> SendLoopAsync(CancellationToken aborted)
        {
            var buffer = new byte[encoding.MaxEncodedBytes(session.Format.PacketSamples)];
            try
            {
                while (true)
                {
                    switch (await session.Outbox.TakeAsync(aborted).ConfigureAwait(false))
                    {
                        case EdgeOutgoing.Audio audio:
                            var samples = audio.Frame.Samples.Span;
                            if (buffer.Length < encoding.MaxEncodedBytes(samples.Length))
                            {
                                buffer = new byte[encoding.MaxEncodedBytes(samples.Length)];
                            }

                            var length = encoding.Encode(samples, buffer);
                            await socket.SendBinaryAsync(buffer.AsMemory(0, length), aborted).ConfigureAwait(false);
                            session.CountSent();
                            host.Metrics.FrameSent(Protocol);
                            break;
                        case EdgeOutgoing.Element element:
                            if (_events.ToJson(element.Value) is { } json)
                            {
                                await socket.SendTextAsync(json, aborted).ConfigureAwait(false);
                            }

                            break;
                        case EdgeOutgoing.Dropped dropped:
                            var notice = new JsonObject { ["type"] = "dropped", ["frames"] = dropped.Packets };
                            if (dropped.Elements > 0)
                            {
                                notice["events"] = dropped.Elements;
                            }

                            await socket.SendTextAsync(notice.ToJsonString(EdgeJson.Options), aborted).ConfigureAwait(false);
                            break;
                        case EdgeOutgoing.Control { Message: string text }:
                            await socket.SendTextAsync(text, aborted).ConfigureAwait(false);
                            break;
                        case EdgeOutgoing.Control { Message: EdgeClose close }:
                            if (close.ErrorMessage is { } error && !socket.CloseSent)
                            {
                                await socket.SendTextAsync(ErrorJson(error), aborted).ConfigureAwait(false);
                            }

                            await socket.CloseOutputAsync(close.Status, close.Reason, aborted).ConfigureAwait(false);
                            return close.EndReason;
                        case EdgeOutgoing.End { Failure: null }:
                            var stopped = new JsonObject { ["type"] = "stopped", ["framesIn"] = session.FramesIn, ["framesOut"] = session.FramesOut };
                            await socket.SendTextAsync(stopped.ToJsonString(EdgeJson.Options), aborted).ConfigureAwait(false);
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, _stopRequested ? "stopped" : "pipeline completed", aborted).ConfigureAwait(false);
                            return _stopRequested ? "stopped" : "completed";
                        case EdgeOutgoing.End end:
                            var reason = RunCommand.Explain(end.Failure!);
                            host.Log.Warning("Edge session {0}: the pipeline failed: {1}", session.Id, reason);
                            await socket.SendTextAsync(ErrorJson($"The pipeline failed: {reason}"), aborted).ConfigureAwait(false);
                            await socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, "pipeline failed", aborted).ConfigureAwait(false);
                            return "pipeline_failed";
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
