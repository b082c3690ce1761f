using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Protocol.Codecs;
using AkkaMedia.Protocol.Liveness;
using System.ComponentModel;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// One connection (TCP between a client node and an executor node, or a Unix domain socket between an executor and one
/// of its worker processes) that carries the elements of many
/// remote stages at once, each on its own channel with credit-based backpressure.
/// </summary>
/// <remarks>
/// <para>The link keeps the registry of its channels, its liveness and its closing; a <see cref="LinkWriter"/> sends
/// (coalescing the messages of all channels into few socket writes), a <see cref="LinkReader"/> receives (handing each
/// channel the elements of one read in one call) and a <see cref="LinkElementCodec"/> encodes elements, audio frames
/// without intermediate arrays.</para>
/// <para>Each end sends a probe every heartbeat interval (answered, so it also measures the round trip). Nothing
/// received for the idle timeout, a closed socket, a protocol error or a fault in sending or receiving closes the
/// link: every channel learns the cause, <see cref="Closed"/> completes with it, and the peer, unless it is already
/// gone, is sent the reason.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MediaLink : IDisposable, ILinkReceiver
{
    private readonly ILoggingAdapter _log;
    private readonly Socket _socket;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeSpan _heartbeatInterval;
    private readonly ConcurrentDictionary<int, ILinkChannel> _channels = new();
    private readonly LinkElementCodec _codec;
    private readonly LinkWriter _writer;
    private readonly LinkReader _reader;
    private readonly Timer _heartbeat;
    private readonly PeerSilence _silence;
    private int _ticking;
    private int _closed;

    /// <param name="socket">A connected socket; the link owns it from now on and releases it when it closes.</param>
    /// <param name="system">Whose serializers encode elements and whose log the link writes to.</param>
    /// <param name="peer">Who is at the other end, for messages.</param>
    /// <param name="heartbeatInterval">How often a probe is sent and the peer's silence checked.</param>
    /// <param name="idleTimeout">Silence (of this node's running time) after which the peer is presumed dead.</param>
    /// <param name="secure">
    /// A TLS stream over <paramref name="socket"/> whose handshake has completed, which the link then reads and writes instead
    /// of the socket (and owns, as it owns the socket); null for plain TCP.
    /// </param>
    public MediaLink(Socket socket, ExtendedActorSystem system, string peer, TimeSpan heartbeatInterval, TimeSpan idleTimeout, Stream? secure = null)
    {
        _socket = socket;
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            // Nagle applies to TCP only; a Unix domain socket (an executor's worker process) has no such option.
            _socket.NoDelay = true;
        }

        _log = system.Log;
        Peer = peer;
        _heartbeatInterval = heartbeatInterval;
        _idleTimeout = idleTimeout;
        _codec = new LinkElementCodec(system.Serialization);
        _writer = new LinkWriter(socket, secure, OnSendFailed);
        _reader = new LinkReader(this, socket, secure, _codec, _log);
        _silence = new PeerSilence(heartbeatInterval, idleTimeout, _reader.LastReceive);
        _heartbeat = new Timer(static s => ((MediaLink)s!).Tick(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Who is at the other end, for error messages (an executor address or a client endpoint).</summary>
    public string Peer { get; }

    /// <summary>
    /// True while the receive thread dispatches a message that other bytes follow, read with it or waiting in the
    /// socket: more messages are there to dispatch. A channel answering on that thread may then send its answer without
    /// <c>urgent</c>, to go out with the next one, or hand its work to a thread of its own to keep reading. Read only on
    /// the receive thread, from a channel's callback (it asks the socket: one system call).
    /// </summary>
    public bool MoreReceived => _reader.MoreReceived || HasUnreadBytes();

    /// <summary>Completes when the link is closed, with the cause, after every channel was told.</summary>
    public TaskCompletionSource<Exception> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Called once when the peer ended the link (its process died, its connection was reset, or it closed the link
    /// saying why), before any channel is told. Must return quickly and not throw.
    /// </summary>
    internal Action<MediaLink>? OnPeerGone { get; init; }

    /// <summary>Called on the receive thread for <see cref="LinkMessageKind.Open"/> on a channel nobody registered (executor side).</summary>
    public Action<MediaLink, int, string>? OnOpen { get; init; }

    /// <summary>
    /// Called on the receive thread with the round trip of each answered probe, in milliseconds: the time from
    /// queueing a probe to reading its reply, so it includes the send queue and both ends' receive loops (one probe
    /// per heartbeat interval). Must return quickly.
    /// </summary>
    public Action<double>? OnRoundTrip { get; init; }

    /// <summary>Test seam, see <see cref="LinkWriter.WriteOverride"/>: replaces the socket in the send loop. Null in production.</summary>
    internal Func<ReadOnlyMemory<byte>, ValueTask<int>>? WriteOverride
    {
        get => _writer.WriteOverride;
        init => _writer.WriteOverride = value;
    }

    /// <summary>
    /// The largest message this end reads (the default: 64 MiB); a peer that announces a longer one has the link closed,
    /// told why, with <see cref="MaxMessageLengthSetting"/> named.
    /// </summary>
    internal int MaxMessageLength
    {
        get => _reader.MaxMessageLength;
        init => _reader.MaxMessageLength = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The largest message must be positive.");
    }

    /// <summary>The configuration key behind <see cref="MaxMessageLength"/>, named in the reason a link closes on a longer message.</summary>
    internal string? MaxMessageLengthSetting
    {
        get => _reader.MaxMessageLengthSetting;
        init => _reader.MaxMessageLengthSetting = value;
    }

    /// <summary>How many channels are registered now (bound sessions and object endpoints), from any thread.</summary>
    internal int ChannelCount => _channels.Count;

    /// <summary>True once <see cref="Close"/> has run (from any thread).</summary>
    internal bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Starts receiving and probing. Sending works before.</summary>
    public void Start()
    {
        _reader.Start();
        _heartbeat.Change(_heartbeatInterval, _heartbeatInterval);
    }

    /// <summary>
    /// Routes the events of <paramref name="channel"/> to <paramref name="handler"/>. On a closed link the handler is
    /// told at once, on this thread, that the link is lost; it is never left registered on a closed link.
    /// </summary>
    internal void Register(int channel, ILinkChannel handler)
    {
        if (IsClosed)
        {
            handler.OnLinkLost(new IOException($"The link to {Peer} is closed."));
            return;
        }

        _channels[channel] = handler;

        // Closed meanwhile: the close may have gone over the channels before this one was added.
        if (IsClosed && _channels.TryRemove(new KeyValuePair<int, ILinkChannel>(channel, handler)))
        {
            handler.OnLinkLost(new IOException($"The link to {Peer} is closed."));
        }
    }

    /// <summary>Forgets <paramref name="channel"/>; its later messages are dropped.</summary>
    internal void Unregister(int channel) => _channels.TryRemove(channel, out _);

    /// <summary>Client: asks the peer to bind <paramref name="channel"/> to session <paramref name="sessionId"/>.</summary>
    internal void SendOpen(int channel, string sessionId) => SendText(LinkMessageKind.Open, channel, sessionId);

    /// <summary>Grants the peer <paramref name="count"/> more elements of credit on <paramref name="channel"/>.</summary>
    internal void SendDemand(int channel, int count)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, count);
        _writer.Append(LinkMessageKind.Demand, channel, payload);
    }

    /// <summary>This end of <paramref name="channel"/> finished sending.</summary>
    internal void SendComplete(int channel) => _writer.Append(LinkMessageKind.Complete, channel, default);

    /// <summary>This end of <paramref name="channel"/> wants no more elements.</summary>
    internal void SendCancel(int channel) => _writer.Append(LinkMessageKind.Cancel, channel, default);

    /// <summary>
    /// Fails <paramref name="channel"/> at the peer with <paramref name="message"/> (also the answer to an Open that
    /// cannot be bound). Queued like any message; nothing is sent once the link is closed.
    /// </summary>
    public void SendFailure(int channel, string message) => SendText(LinkMessageKind.Failure, channel, message);

    /// <summary>
    /// Queues one call of a remote object (<see cref="LinkMessageKind.Call"/>); dropped once the link is closed. An
    /// <paramref name="urgent"/> call (the only one its caller waits for) is written at once, on this thread, when no write
    /// is in flight; calls of a caller with many in flight go out together.
    /// </summary>
    internal void SendCall(int channel, IObjectSessionMessage request, bool urgent) =>
        SendEncoded(LinkMessageKind.Call, channel, ObjectCallCodec.EncodeRequest(request, out var rented), rented, urgent);

    /// <summary>
    /// Queues the outcome of one call (<see cref="LinkMessageKind.Reply"/>); dropped once the link is closed. An
    /// <paramref name="urgent"/> reply (no other call waits behind it) is written at once, on this thread, when no write is
    /// in flight; the others go out together.
    /// </summary>
    internal void SendReply(int channel, IObjectSessionMessage reply, bool urgent) =>
        SendEncoded(LinkMessageKind.Reply, channel, ObjectCallCodec.EncodeReply(reply, out var rented), rented, urgent);

    /// <summary>Serializes <paramref name="element"/> with the actor system's serializer for its type and queues it; dropped once the link is closed.</summary>
    internal void SendData(int channel, object element) => _writer.AppendData(channel, _codec.Encode(element));

    /// <summary>
    /// Closes the link and fails every channel with <paramref name="cause"/>; later calls do nothing. Unless the peer
    /// is already gone (<paramref name="peerGone"/>), it is sent the reason, so its channels fail saying why. Returns
    /// without waiting for the socket: the reason is written in the background, and the socket released once it is
    /// out or after <see cref="LinkWriter.CloseFlushTimeout"/>.
    /// </summary>
    public void Close(Exception cause, bool peerGone = false)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _heartbeat.Dispose();
        if (peerGone)
        {
            _log.Info("Media link to {0} closed: {1}", Peer, cause.Message);
        }
        else if (cause is not ObjectDisposedException)
        {
            _log.Warning("Media link to {0} closed by this node: {1}", Peer, cause.Message);
        }

        _writer.Finish(peerGone ? null : cause.Message);
        if (peerGone)
        {
            // Before the channels hear of it: whatever they do next (a failover, a new stream) must not pick this peer again.
            OnPeerGone?.Invoke(this);
        }

        // Each channel removed is told once, here or by a Register racing with this close.
        foreach (var channel in _channels.Keys)
        {
            if (_channels.TryRemove(channel, out var handler))
            {
                TellLost(handler, cause);
            }
        }

        Closed.TrySetResult(cause);
    }

    /// <summary>Closes the link because the node that owns it is stopping; the peer is told so.</summary>
    public void Dispose() => Close(new ObjectDisposedException(nameof(MediaLink), $"The client node of the link to {Peer} is stopping."));

    /// <summary>The handler of <paramref name="channel"/>, for the reader; false for a channel not (or no longer) registered.</summary>
    internal bool TryGetChannel(int channel, [MaybeNullWhen(false)] out ILinkChannel handler) => _channels.TryGetValue(channel, out handler);

    /// <summary>The peer probed: its stamp goes back unchanged, written at once by the reader (urgent: ahead of a write queued on a busy thread pool). Called by the reader.</summary>
    internal void AnswerProbe(ReadOnlySpan<byte> stamp) => _writer.Append(LinkMessageKind.ProbeReply, 0, stamp, urgent: true);

    /// <summary>The peer answered one of this end's probes: its round trip is reported. Called by the reader.</summary>
    internal void ProbeAnswered(ReadOnlySpan<byte> stamp)
    {
        if (stamp.Length == 8 && OnRoundTrip is { } report)
        {
            report(Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64LittleEndian(stamp)).TotalMilliseconds);
        }
    }

    private void SendEncoded(LinkMessageKind kind, int channel, ReadOnlySpan<byte> payload, byte[] rented, bool urgent)
    {
        try
        {
            _writer.Append(kind, channel, payload, urgent);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Test seam: sends <paramref name="payload"/> as a message of <paramref name="kind"/>, unchecked, as a faulty or hostile peer could.</summary>
    internal void SendRaw(LinkMessageKind kind, int channel, ReadOnlySpan<byte> payload) => _writer.Append(kind, channel, payload, urgent: true);

    private void SendText(LinkMessageKind kind, int channel, string text) => _writer.Append(kind, channel, Encoding.UTF8.GetBytes(text));

    private void TellLost(ILinkChannel handler, Exception cause)
    {
        try
        {
            handler.OnLinkLost(cause);
        }
        catch (Exception e)
        {
            // The other channels must still learn of the close.
            _log.Error(e, "Media link to {0}: a channel failed to take the news that the link closed", Peer);
        }
    }

    /// <summary>
    /// The send loop ended on <paramref name="failure"/>. A broken connection closes the link as gone; anything else is
    /// a fault of this node, logged, and closes the link telling the peer why (when the stream can still carry it).
    /// </summary>
    private void OnSendFailed(Exception failure)
    {
        var cause = new IOException($"Sending to {Peer} failed: {failure.Message}", failure);
        if (failure is SocketException or ObjectDisposedException or IOException)
        {
            Close(cause, peerGone: true);
            return;
        }

        _log.Error(failure, "Media link to {0}: sending failed unexpectedly", Peer);
        Close(cause);
    }

    /// <summary>Bytes wait in the socket that this side has not read yet: the peer is alive, this side is behind.</summary>
    private bool HasUnreadBytes()
    {
        try
        {
            return _socket.Available > 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Tick()
    {
        // Timer callbacks held up by a stall can run at once on two threads: one at a time keeps the counts exact.
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            TickOnce();
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    private void TickOnce()
    {
        var now = Environment.TickCount64;
        if (_silence.PeerPresumedDead(now, _reader.LastReceive) && !HasUnreadBytes())
        {
            Close(new TimeoutException($"{Peer} sent nothing for {_idleTimeout.TotalMilliseconds:0} ms; it is presumed dead."));
            return;
        }

        // A probe every tick, busy or quiet: it keeps the link alive and measures its round trip.
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(stamp, Stopwatch.GetTimestamp());
        _writer.Append(LinkMessageKind.Probe, 0, stamp, urgent: true);
    }

    /// <inheritdoc />
    bool ILinkReceiver.IsClosed => IsClosed;

    /// <inheritdoc />
    void ILinkReceiver.AnswerProbe(ReadOnlySpan<byte> stamp) => AnswerProbe(stamp);

    /// <inheritdoc />
    void ILinkReceiver.ProbeAnswered(ReadOnlySpan<byte> stamp) => ProbeAnswered(stamp);

    /// <inheritdoc />
    bool ILinkReceiver.TryGetChannel(int channel, [MaybeNullWhen(false)] out ILinkChannel handler) => TryGetChannel(channel, out handler);

    /// <inheritdoc />
    void ILinkReceiver.Opened(int channel, string sessionId) => OnOpen?.Invoke(this, channel, sessionId);
}
