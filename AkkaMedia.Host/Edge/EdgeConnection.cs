using System.Net.WebSockets;
using Akka.Event;
using AkkaMedia.Host.Commands;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// A running session's two loops over its socket, the same for every protocol; a protocol fills in what its messages say
/// (<see cref="OnMessageAsync"/>) and how outgoing items are written (<see cref="SendAsync"/>).
/// </summary>
/// <remarks>
/// <para>The receive loop reads whole messages and hands them to the protocol, which awaits the session's room before the
/// next read (TCP slows a fast client). A client silent for the idle timeout, the server's stop, a violation and the
/// client's own close each post an <see cref="EdgeClose"/> to the outbox, so closing is always the send loop's.</para>
/// <para>The send loop is the socket's only writer: it sends what the outbox hands out and ends the connection on a close
/// or the pipeline's end (<c>stopped</c>/<c>completed</c> with 1000, <c>pipeline_failed</c> with 1011). Then the stream is
/// stopped and the client's close awaited up to <c>close-timeout</c>, after which the connection is aborted.</para>
/// </remarks>
internal abstract class EdgeConnection(EdgeHost host, EdgeSocket socket, EdgeSession session, EdgeProtocol protocol)
{
    private readonly EdgeMetrics.FrameCounters _frames = host.Metrics.Frames(protocol.Name);
    private volatile bool _stopRequested;
    private volatile bool _waitingForRoom;
    private volatile bool _receiving = true;
    private readonly InputLag _lag = new(host.Settings.MaxInputLag);
    private long _lastMessage = Environment.TickCount64;
    private int _idleReported;

    protected EdgeHost Host => host;

    protected EdgeSocket Socket => socket;

    protected EdgeSession Session => session;

    /// <summary>Whether the client asked to stop (the input has ended).</summary>
    protected bool StopRequested => _stopRequested;

    /// <summary>Runs both loops until the connection ends; returns why it ended (a <c>sessions.ended</c> reason).</summary>
    public async Task<string> RunAsync(CancellationToken aborted)
    {
        // A periodic check of the last message's time rather than a timer moved at every message (50 a second per session).
        var period = TimeSpan.FromTicks(Math.Clamp(host.Settings.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 20, TimeSpan.TicksPerSecond));
        using var idle = new Timer(static state => ((EdgeConnection)state!).CheckIdle(), this, period, period);
        await using var stopping = host.Stopping.Register(() => session.Outbox.PostControl(EdgeClose.ServerStopping, urgent: true));
        var send = SendLoopAsync(aborted);
        var receive = ReceiveLoopAsync(aborted);
        var endReason = await send.ConfigureAwait(false);
        _receiving = false;

        // The close frame is out (or the client is gone): stop the stream now, then wait for the client's close.
        session.Abort(new EdgeSessionClosedException($"Session {session.Id} ended: {endReason}."));
        if (await Task.WhenAny(receive, Task.Delay(host.Settings.CloseTimeout, CancellationToken.None)).ConfigureAwait(false) != receive)
        {
            socket.Socket.Abort();
        }

        await receive.ConfigureAwait(false);
        return endReason;
    }

    /// <summary>Reads and discards until the client's close frame arrives, or aborts the connection after <paramref name="timeout"/>.</summary>
    public static async Task DrainUntilClosedAsync(EdgeSocket socket, TimeSpan timeout, CancellationToken aborted)
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

    /// <summary>Handles one message of the client. Throws a violation (<see cref="EdgeProtocol.IsViolation"/>) to end the session with 1008.</summary>
    protected abstract ValueTask OnMessageAsync(WebSocketMessageType type, ReadOnlyMemory<byte> bytes, CancellationToken aborted);

    /// <summary>Sends one outgoing item other than a close or the pipeline's end: audio, an element, a drop notice, a control of the protocol's own.</summary>
    protected abstract ValueTask SendAsync(EdgeOutgoing item, CancellationToken aborted);

    /// <summary>Sends what the protocol says when the session has started, before anything else (e.g. <c>started</c>).</summary>
    protected virtual ValueTask OnStartedAsync(CancellationToken aborted) => ValueTask.CompletedTask;

    /// <summary>Sends what the protocol says after the pipeline's last output, before the 1000 close (e.g. <c>stopped</c>).</summary>
    protected virtual ValueTask BeforeNormalCloseAsync(CancellationToken aborted) => ValueTask.CompletedTask;

    /// <summary>Ends the input once: the pipeline flushes, and the client's silence from now on is not idleness.</summary>
    protected void RequestStop()
    {
        if (_stopRequested)
        {
            return;
        }

        _stopRequested = true;
        session.CompleteInput();
    }

    /// <summary>
    /// Hands audio to the session, not counting the time spent waiting for room as the client's silence; or drops it when
    /// the server has fallen more than <c>max-input-lag</c> behind the client (<see cref="InputLag"/>).
    /// </summary>
    protected async ValueTask WriteAudioAsync(float[] samples, CancellationToken aborted)
    {
        _frames.Received();
        var duration = TimeSpan.FromSeconds((double)samples.Length / session.Format.Channels / session.Format.SampleRate);
        if (_lag.ShouldDrop(duration))
        {
            session.CountIn();
            _frames.DroppedIncoming();
            session.Outbox.ReportIncomingDropped(1);
            Volatile.Write(ref _lastMessage, Environment.TickCount64);
            return;
        }

        _waitingForRoom = true;
        try
        {
            await session.WriteAsync(samples, aborted).ConfigureAwait(false);
        }
        finally
        {
            _waitingForRoom = false;
            Volatile.Write(ref _lastMessage, Environment.TickCount64);
        }
    }

    /// <summary>Counts one audio packet sent.</summary>
    protected void CountSent()
    {
        session.CountSent();
        _frames.Sent();
    }

    private async Task ReceiveLoopAsync(CancellationToken aborted)
    {
        try
        {
            while (true)
            {
                _lag.ReadingNext();
                if (await socket.ReceiveAsync(aborted).ConfigureAwait(false) is not { } message)
                {
                    break;
                }

                Volatile.Write(ref _lastMessage, Environment.TickCount64);

                if (!socket.CloseSent)
                {
                    await OnMessageAsync(message.Type, message.Bytes, aborted).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (protocol.IsViolation(e))
        {
            session.Outbox.PostControl(EdgeClose.Violation(e.Message), urgent: true);
            await DrainUntilClosedAsync(socket, host.Settings.CloseTimeout + host.Settings.CloseTimeout, aborted).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection broke: handled below as the client's departure.
        }
        finally
        {
            _receiving = false;
        }

        // The client closed (or vanished) first; if the send loop has not closed yet, it answers the close.
        session.Outbox.PostControl(EdgeClose.ClientGone, urgent: true);
    }

    /// <summary>
    /// Closes the session (1008) once when the client has sent nothing for the idle timeout, not counting time in which
    /// it asked to stop or the pipeline had no room for its audio.
    /// </summary>
    private void CheckIdle()
    {
        if (!_receiving || _stopRequested || _waitingForRoom
            || Environment.TickCount64 - Volatile.Read(ref _lastMessage) < (long)host.Settings.IdleTimeout.TotalMilliseconds
            || Interlocked.Exchange(ref _idleReported, 1) != 0)
        {
            return;
        }

        session.Outbox.PostControl(EdgeClose.Idle(host.Settings.IdleTimeout), urgent: true);
    }

    private async Task<string> SendLoopAsync(CancellationToken aborted)
    {
        try
        {
            await OnStartedAsync(aborted).ConfigureAwait(false);
            while (true)
            {
                switch (await session.Outbox.TakeAsync(aborted).ConfigureAwait(false))
                {
                    case EdgeOutgoing.Control { Message: EdgeClose close }:
                        if (close.ErrorMessage is { } error && protocol.ErrorText(error) is { } text && !socket.CloseSent)
                        {
                            await socket.SendTextAsync(text, aborted).ConfigureAwait(false);
                        }

                        await socket.CloseOutputAsync(close.Status, close.Reason, aborted).ConfigureAwait(false);
                        return close.EndReason;
                    case EdgeOutgoing.End { Failure: null }:
                        await BeforeNormalCloseAsync(aborted).ConfigureAwait(false);
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, _stopRequested ? "stopped" : "pipeline completed", aborted).ConfigureAwait(false);
                        return _stopRequested ? "stopped" : "completed";
                    case EdgeOutgoing.End end:
                        var reason = RunCommand.Explain(end.Failure!);
                        host.Log.Warning("Edge session {0}: the pipeline failed: {1}", session.Id, reason);
                        if (protocol.ErrorText($"The pipeline failed: {reason}") is { } failure)
                        {
                            await socket.SendTextAsync(failure, aborted).ConfigureAwait(false);
                        }

                        await socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, $"pipeline failed: {reason}", aborted).ConfigureAwait(false);
                        return "pipeline_failed";
                    case var item:
                        await SendAsync(item, aborted).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return "client_gone";
        }
    }
}
