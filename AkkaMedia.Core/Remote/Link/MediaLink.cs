using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Frames;
using AkkaMedia.Serialization;

namespace AkkaMedia.Remote.Link;

/// <summary>
/// One TCP connection between a client node and an executor node that carries the elements of many
/// remote stages at once, each on its own channel with credit-based backpressure.
/// </summary>
/// <remarks>
/// <para>Sending: messages from all channels are appended to one buffer. On a quiet link the first
/// append writes at once, on the appending thread. On a busy one it queues one flush on the thread
/// pool behind the work already queued there; whatever has accumulated by the time it runs (the rest
/// of a stage's burst, frames of other sessions processed in the meantime) goes out in one socket
/// call. A lone frame is never delayed, and frames of many sessions coalesce into few writes. Audio frames are written
/// straight into the buffer and read straight from the receive buffer, without intermediate arrays.</para>
/// <para>Receiving: one loop reads, decodes and hands each channel the elements of one read in one
/// call. Each end sends a probe every heartbeat interval (answered, so it also measures the round trip); nothing received for the idle timeout,
/// a closed socket or a protocol error closes the link and every channel learns it.</para>
/// </remarks>
internal sealed class MediaLink : IDisposable
{
    private const int HeaderLength = 4 + 1 + 4;
    private const int MaxMessageLength = 64 * 1024 * 1024;

    /// <summary>A link with nothing appended for this long (1 ms) is quiet: the next message is written at once.</summary>
    private static readonly long QuietTicks = Stopwatch.Frequency / 1000;

    /// <summary>The frame serializer's manifest of audio frames, as it travels.</summary>
    private static ReadOnlySpan<byte> AudioManifest => "A1"u8;

    private readonly Socket _socket;
    private readonly ExtendedActorSystem _system;
    private readonly TimeSpan _idleTimeout;
    private readonly ConcurrentDictionary<int, ILinkChannel> _channels = new();
    private readonly object _sendGate = new();
    private readonly Timer _heartbeat;
    private readonly TimeSpan _heartbeatInterval;
    private byte[] _pending = new byte[64 * 1024];
    private byte[] _inflight = new byte[64 * 1024];
    private int _pendingLength;
    private bool _sending;
    private bool _sendInline;
    private long _lastAppend;
    private long _lastReceive;
    private readonly PeerSilence _silence;
    private int _ticking;
    private int _closed;

    public MediaLink(Socket socket, ExtendedActorSystem system, string peer, TimeSpan heartbeatInterval, TimeSpan idleTimeout)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _system = system;
        Peer = peer;
        _heartbeatInterval = heartbeatInterval;
        _idleTimeout = idleTimeout;
        _lastReceive = Environment.TickCount64;
        _silence = new PeerSilence(heartbeatInterval, idleTimeout, _lastReceive);
        _heartbeat = new Timer(static s => ((MediaLink)s!).Tick(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Who is at the other end, for error messages (an executor address or a client endpoint).</summary>
    public string Peer { get; }

    /// <summary>Completes when the link is closed, with the cause.</summary>
    public TaskCompletionSource<Exception> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called for <see cref="LinkMessageKind.Open"/> on a channel nobody registered (executor side).</summary>
    public Action<MediaLink, int, string>? OnOpen { get; init; }

    /// <summary>
    /// Called on the receive thread with the round trip of each answered probe, in milliseconds: the time from
    /// queueing a probe to reading its reply, so it includes the send queue and both ends' receive loops (one probe
    /// per heartbeat interval). Must return quickly.
    /// </summary>
    public Action<double>? OnRoundTrip { get; init; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public void Start()
    {
        new Thread(ReceiveLoop) { IsBackground = true, Name = "akka-media-link-receive" }.Start();
        _heartbeat.Change(_heartbeatInterval, _heartbeatInterval);
    }

    public void Register(int channel, ILinkChannel handler)
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

    public void Unregister(int channel) => _channels.TryRemove(channel, out _);

    public void SendOpen(int channel, string sessionId) => SendText(LinkMessageKind.Open, channel, sessionId);

    public void SendDemand(int channel, int count)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, count);
        Append(LinkMessageKind.Demand, channel, payload, default, default);
    }

    public void SendComplete(int channel) => Append(LinkMessageKind.Complete, channel, default, default, default);

    public void SendCancel(int channel) => Append(LinkMessageKind.Cancel, channel, default, default, default);

    public void SendFailure(int channel, string message) => SendText(LinkMessageKind.Failure, channel, message);

    /// <summary>Serializes <paramref name="element"/> with the actor system's serializer for its type and queues it.</summary>
    public void SendData(int channel, object element)
    {
        if (element is AudioFrame audio)
        {
            AppendAudio(channel, audio);
            return;
        }

        var serializer = _system.Serialization.FindSerializerFor(element);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, element);
        var bytes = serializer.ToBinary(element);
        Span<byte> prefix = stackalloc byte[4 + 1 + 255];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, serializer.Identifier);
        var manifestLength = Encoding.ASCII.GetBytes(manifest, prefix[5..]);
        prefix[4] = (byte)manifestLength;
        Append(LinkMessageKind.Data, channel, prefix[..(5 + manifestLength)], bytes, default);
    }

    /// <summary>
    /// Closes the link and fails every channel with <paramref name="cause"/>. Unless the peer is already gone
    /// (<paramref name="peerGone"/>), it is told the reason first, so its channels fail saying why.
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
            _system.Log.Info("Media link to {0} closed: {1}", Peer, cause.Message);
        }
        else if (cause is not ObjectDisposedException)
        {
            _system.Log.Warning("Media link to {0} closed by this node: {1}", Peer, cause.Message);
        }

        if (!peerGone)
        {
            SendCloseReason(cause.Message);
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        // Each channel removed is told once, here or by a Register racing with this close.
        foreach (var channel in _channels.Keys)
        {
            if (_channels.TryRemove(channel, out var handler))
            {
                handler.OnLinkLost(cause);
            }
        }

        Closed.TrySetResult(cause);
    }

    /// <summary>Closes the link because the node that owns it is stopping; the peer is told so.</summary>
    public void Dispose() => Close(new ObjectDisposedException(nameof(MediaLink), $"The client node of the link to {Peer} is stopping."));

    /// <summary>
    /// Best effort: writes a <see cref="LinkMessageKind.Close"/> with <paramref name="reason"/> when no send is in
    /// flight (the stream is then at a message boundary; <see cref="_closed"/> is set, so nothing else is appended).
    /// </summary>
    private void SendCloseReason(string reason)
    {
        lock (_sendGate)
        {
            if (_sending)
            {
                return;
            }

            _pendingLength = 0;
            var text = Encoding.UTF8.GetBytes(reason);
            var span = Reserve(LinkMessageKind.Close, 0, 1 + 4 + text.Length);
            text.CopyTo(span);
            try
            {
                _socket.SendTimeout = 200;
                _socket.Send(_pending, 0, _pendingLength, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The peer learns of the close from the connection alone.
            }

            _pendingLength = 0;
        }
    }

    private void SendText(LinkMessageKind kind, int channel, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Append(kind, channel, bytes, default, default);
    }

    private void Append(LinkMessageKind kind, int channel, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3)
    {
        var bodyLength = 1 + 4 + part1.Length + part2.Length + part3.Length;
        bool startSender;
        lock (_sendGate)
        {
            if (_closed != 0)
            {
                return;
            }

            var span = Reserve(kind, channel, bodyLength);
            part1.CopyTo(span);
            span = span[part1.Length..];
            part2.CopyTo(span);
            part3.CopyTo(span[part2.Length..]);
            startSender = StartSender();
        }

        if (startSender)
        {
            Send();
        }
    }

    /// <summary>A data message whose element is an audio frame: serializer id, manifest and samples written in place.</summary>
    private void AppendAudio(int channel, AudioFrame frame)
    {
        var frameLength = FrameSerializer.AudioLength(frame);
        var prefixLength = 4 + 1 + AudioManifest.Length;
        bool startSender;
        lock (_sendGate)
        {
            if (_closed != 0)
            {
                return;
            }

            var span = Reserve(LinkMessageKind.Data, channel, 1 + 4 + prefixLength + frameLength);
            BinaryPrimitives.WriteInt32LittleEndian(span, FrameSerializer.SerializerIdentifier);
            span[4] = (byte)AudioManifest.Length;
            AudioManifest.CopyTo(span[5..]);
            FrameSerializer.WriteAudio(frame, span[prefixLength..]);
            startSender = StartSender();
        }

        if (startSender)
        {
            Send();
        }
    }

    /// <summary>Appends a message header to the pending buffer and returns the room for its payload. Caller holds <see cref="_sendGate"/>.</summary>
    private Span<byte> Reserve(LinkMessageKind kind, int channel, int bodyLength)
    {
        var needed = _pendingLength + 4 + bodyLength;
        if (needed > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(needed, _pending.Length * 2));
        }

        var span = _pending.AsSpan(_pendingLength, 4 + bodyLength);
        BinaryPrimitives.WriteInt32LittleEndian(span, bodyLength);
        span[4] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(span[5..], channel);
        _pendingLength = needed;
        return span[HeaderLength..];
    }

    /// <summary>
    /// Caller holds <see cref="_sendGate"/>, has just appended. True when no send loop runs, so the caller
    /// must start one; decides how: inline when the link had been quiet (nothing appended for
    /// <see cref="QuietTicks"/>), from the thread pool when it is busy.
    /// </summary>
    private bool StartSender()
    {
        var now = Stopwatch.GetTimestamp();
        var quiet = now - _lastAppend > QuietTicks;
        _lastAppend = now;
        if (_sending)
        {
            return false;
        }

        _sending = true;
        _sendInline = quiet;
        return true;
    }

    /// <summary>
    /// Starts the send loop. After a quiet spell the appending thread writes at once: a lone frame is
    /// not delayed by a thread hop. On a busy link the loop runs from the thread pool's global queue,
    /// behind the work already queued there: the stage that appended finishes its burst (and other
    /// sessions theirs) before the bytes go out, in one write.
    /// </summary>
    private void Send()
    {
        if (Volatile.Read(ref _sendInline))
        {
            _ = SendLoopAsync();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static link => _ = link.SendLoopAsync(), this, preferLocal: false);
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                int length;
                lock (_sendGate)
                {
                    if (_pendingLength == 0 || _closed != 0)
                    {
                        _sending = false;
                        return;
                    }

                    (_pending, _inflight) = (_inflight, _pending);
                    length = _pendingLength;
                    _pendingLength = 0;
                    if (_pending.Length < _inflight.Length / 4)
                    {
                        _pending = new byte[_inflight.Length];
                    }
                }

                var sent = 0;
                while (sent < length)
                {
                    sent += await _socket.SendAsync(_inflight.AsMemory(sent, length - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            lock (_sendGate)
            {
                _sending = false;
            }

            Close(new IOException($"Sending to {Peer} failed: {e.Message}", e), peerGone: true);
        }
    }

    /// <summary>
    /// Runs on a thread of its own, blocked in the socket's receive: the operating system wakes it when
    /// bytes arrive, without a hop through the thread pool, and a thread pool busy with stages cannot
    /// delay reading (which would also look like a silent peer).
    /// </summary>
    private void ReceiveLoop()
    {
        var buffer = new byte[256 * 1024];
        var filled = 0;
        var batches = new Dictionary<int, List<object>>();
        try
        {
            while (!IsClosed)
            {
                var read = _socket.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                if (read == 0)
                {
                    Close(new IOException($"{Peer} closed the link without saying why (its process ended or its connection was reset)."), peerGone: true);
                    return;
                }

                Volatile.Write(ref _lastReceive, Environment.TickCount64);
                filled += read;
                var offset = 0;
                while (filled - offset >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset));
                    if (length < 5 || length > MaxMessageLength)
                    {
                        throw new InvalidDataException($"Corrupt link message length {length} from {Peer}.");
                    }

                    if (filled - offset - 4 < length)
                    {
                        if (4 + length > buffer.Length)
                        {
                            Array.Resize(ref buffer, Math.Max(4 + length, buffer.Length * 2));
                        }

                        break;
                    }

                    Dispatch(buffer.AsSpan(offset + 4, length), batches);
                    offset += 4 + length;
                }

                FlushBatches(batches);
                if (offset > 0)
                {
                    Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                    filled -= offset;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            Close(new IOException($"The link to {Peer} broke: {e.Message}", e), peerGone: true);
        }
        catch (Exception e)
        {
            Close(new InvalidDataException($"The link to {Peer} carried a message this node cannot read: {e.Message}", e));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> message, Dictionary<int, List<object>> batches)
    {
        var kind = (LinkMessageKind)message[0];
        var channel = BinaryPrimitives.ReadInt32LittleEndian(message[1..]);
        var payload = message[5..];
        if (kind == LinkMessageKind.Probe)
        {
            Append(LinkMessageKind.ProbeReply, 0, payload, default, default);
            return;
        }

        if (kind == LinkMessageKind.ProbeReply)
        {
            if (payload.Length == 8 && OnRoundTrip is { } report)
            {
                report(Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64LittleEndian(payload)).TotalMilliseconds);
            }

            return;
        }

        if (kind == LinkMessageKind.Close)
        {
            Close(new IOException($"{Peer} closed the link: {Encoding.UTF8.GetString(payload)}"), peerGone: true);
            return;
        }

        if (kind == LinkMessageKind.Open)
        {
            OnOpen?.Invoke(this, channel, Encoding.UTF8.GetString(payload));
            return;
        }

        if (!_channels.TryGetValue(channel, out var handler))
        {
            return;
        }

        if (kind == LinkMessageKind.Data)
        {
            var serializerId = BinaryPrimitives.ReadInt32LittleEndian(payload);
            var manifestLength = payload[4];
            var manifestBytes = payload.Slice(5, manifestLength);
            var bytes = payload[(5 + manifestLength)..];
            var element = serializerId == FrameSerializer.SerializerIdentifier && manifestBytes.SequenceEqual(AudioManifest)
                ? FrameSerializer.ReadAudio(bytes)
                : _system.Serialization.Deserialize(bytes.ToArray(), serializerId, Encoding.ASCII.GetString(manifestBytes));
            if (!batches.TryGetValue(channel, out var batch))
            {
                batches[channel] = batch = [];
            }

            batch.Add(element);
            return;
        }

        FlushBatch(channel, handler, batches);
        switch (kind)
        {
            case LinkMessageKind.Demand:
                handler.OnDemand(BinaryPrimitives.ReadInt32LittleEndian(payload));
                break;
            case LinkMessageKind.Complete:
                handler.OnComplete();
                break;
            case LinkMessageKind.Failure:
                handler.OnFailure(Encoding.UTF8.GetString(payload));
                break;
            case LinkMessageKind.Cancel:
                handler.OnCancel();
                break;
            default:
                throw new InvalidDataException($"Unknown link message kind {(byte)kind} from {Peer}.");
        }
    }

    private void FlushBatch(int channel, ILinkChannel handler, Dictionary<int, List<object>> batches)
    {
        if (batches.Remove(channel, out var batch) && batch.Count > 0)
        {
            handler.OnData(batch);
        }
    }

    private void FlushBatches(Dictionary<int, List<object>> batches)
    {
        if (batches.Count == 0)
        {
            return;
        }

        foreach (var (channel, batch) in batches)
        {
            if (_channels.TryGetValue(channel, out var handler))
            {
                handler.OnData(batch);
            }
        }

        batches.Clear();
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
        if (_silence.PeerPresumedDead(now, Volatile.Read(ref _lastReceive)) && !HasUnreadBytes())
        {
            Close(new TimeoutException($"{Peer} sent nothing for {_idleTimeout.TotalMilliseconds:0} ms; it is presumed dead."));
            return;
        }

        // A probe every tick, busy or quiet: it keeps the link alive and measures its round trip.
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(stamp, Stopwatch.GetTimestamp());
        Append(LinkMessageKind.Probe, 0, stamp, default, default);
    }
}
