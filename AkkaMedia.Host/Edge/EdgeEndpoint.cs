using System.Net.WebSockets;
using Akka.Event;
using AkkaMedia.Host.Commands;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// What every protocol of the edge does with an accepted WebSocket before and around its session: a place among
/// <c>max-sessions</c> (or a 1013 refusal), the client's opening within the idle timeout (or a 1008 refusal), the session's
/// stream (or a 1011 refusal when it cannot start), the <see cref="EdgeConnection"/> that runs it, and, however it ends,
/// the stream stopped, the place given back, the end counted and logged. A protocol says how it opens
/// (<see cref="OpenAsync"/>) and how a running session talks (<see cref="Connect"/>).
/// </summary>
/// <typeparam name="TOpening">What the client's opening settled (format, codec, ids), disposed when the connection ends.</typeparam>
internal abstract class EdgeEndpoint<TOpening>(EdgeHost host) : EdgeProtocol
    where TOpening : class, IDisposable
{
    protected EdgeHost Host => host;

    /// <summary>Runs the protocol on <paramref name="webSocket"/> until the connection ends.</summary>
    public async Task RunAsync(WebSocket webSocket, CancellationToken aborted)
    {
        var socket = new EdgeSocket(webSocket, host.Settings.MaxMessageBytes);
        if (!host.TryEnter())
        {
            host.Metrics.Refused("at_capacity");
            var close = host.Stopping.IsCancellationRequested
                ? EdgeClose.ServerStopping
                : new EdgeClose(EdgeClose.TryAgainLater, $"server at its limit of {host.Settings.MaxSessions} sessions; try again later", $"The server is at its limit of {host.Settings.MaxSessions} sessions (--max-sessions); try again later.", "refused");
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

    /// <summary>
    /// Reads the client's opening. Null when there is no session to run: the client left, or the endpoint has already
    /// refused it (<see cref="RefuseAsync"/>). Use <see cref="ReceiveWithinIdleTimeoutAsync"/> to read.
    /// </summary>
    /// <exception cref="EdgeProtocolException">The opening breaks the protocol (refused with 1008 and the message).</exception>
    protected abstract Task<TOpening?> OpenAsync(EdgeSocket socket, CancellationToken aborted);

    /// <summary>The audio format <paramref name="opening"/> settled.</summary>
    protected abstract ClientAudioFormat FormatOf(TOpening opening);

    /// <summary>The opening in a few words, for the session's start log line.</summary>
    protected abstract string Describe(TOpening opening);

    /// <summary>The running session's connection in this protocol.</summary>
    protected abstract EdgeConnection Connect(TOpening opening, EdgeSocket socket, EdgeSession session);

    /// <summary>
    /// The next message, waiting at most the idle timeout. Null when the client left, or when it said nothing in time: then
    /// it has been told and closed (1008) and the caller must stop.
    /// </summary>
    protected async Task<(WebSocketMessageType Type, ReadOnlyMemory<byte> Bytes)?> ReceiveWithinIdleTimeoutAsync(EdgeSocket socket, CancellationToken aborted)
    {
        var receive = socket.ReceiveAsync(aborted).AsTask();
        if (await Task.WhenAny(receive, Task.Delay(host.Settings.IdleTimeout, aborted)).ConfigureAwait(false) != receive)
        {
            // The read stays pending; the refusal must wait for it rather than read again.
            _ = receive.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await RefuseAsync(socket, EdgeClose.Idle(host.Settings.IdleTimeout), aborted, receive).ConfigureAwait(false);
            return null;
        }

        return await receive.ConfigureAwait(false);
    }

    /// <summary>
    /// Ends a connection that has no session: the protocol's error message (when <paramref name="close"/> has one and the
    /// protocol too), the close frame, then a bounded wait for the client's close. <paramref name="pendingReceive"/> is a
    /// read still in flight, awaited instead of reading again.
    /// </summary>
    protected async Task RefuseAsync(EdgeSocket socket, EdgeClose close, CancellationToken aborted, Task? pendingReceive = null)
    {
        try
        {
            if (close.ErrorMessage is { } message && ErrorText(message) is { } text)
            {
                await socket.SendTextAsync(text, aborted).ConfigureAwait(false);
            }

            await socket.CloseOutputAsync(close.Status, close.Reason, aborted).ConfigureAwait(false);
            if (pendingReceive is not null
                && await Task.WhenAny(pendingReceive, Task.Delay(host.Settings.CloseTimeout, aborted)).ConfigureAwait(false) != pendingReceive)
            {
                socket.Socket.Abort();
                return;
            }

            await EdgeConnection.DrainUntilClosedAsync(socket, host.Settings.CloseTimeout, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }

    private async Task RunAdmittedAsync(EdgeSocket socket, CancellationToken aborted)
    {
        TOpening? opening;
        try
        {
            opening = await OpenAsync(socket, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (IsViolation(e))
        {
            await RefuseAsync(socket, EdgeClose.Violation(e.Message), aborted).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return;
        }

        if (opening is null)
        {
            return;
        }

        using var _ = opening;
        EdgeSession session;
        try
        {
            session = host.StartSession(FormatOf(opening), Name);
        }
        catch (Exception e)
        {
            var reason = RunCommand.Explain(e);
            host.Log.Warning("Edge session could not start its pipeline: {0}", reason);
            await RefuseAsync(socket, new EdgeClose(WebSocketCloseStatus.InternalServerError, $"pipeline failed: {reason}", $"The pipeline could not start: {reason}", "pipeline_failed"), aborted).ConfigureAwait(false);
            return;
        }

        host.Metrics.SessionStarted(Name);
        host.Log.Info("Edge session {0} started: {1}, {2}", session.Id, Name, Describe(opening));
        var endReason = "client_gone";
        try
        {
            endReason = await Connect(opening, socket, session).RunAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            endReason = "client_gone";
        }
        catch (Exception e)
        {
            // A defect of the edge itself: the HTTP server logs nothing, so say it here rather than lose it.
            endReason = "internal_error";
            host.Log.Error(e, "Edge session {0} ({1}) failed inside the server", session.Id, Name);
            socket.Socket.Abort();
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
            host.Metrics.SessionEnded(Name, endReason);
            host.Log.Info("Edge session {0} ended ({1}): {2} audio messages in, {3} packets out, {4} dropped", session.Id, endReason, session.FramesIn, session.FramesOut, session.Outbox.TotalDroppedPackets);
        }
    }
}
