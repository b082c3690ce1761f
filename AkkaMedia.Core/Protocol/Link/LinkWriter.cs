using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// The sending half of a <see cref="MediaLink"/>: frames messages into one pending buffer and writes them to the
/// socket, coalesced. Thread-safe; any thread may append.
/// </summary>
/// <remarks>
/// <para>On a quiet link the first append writes at once, on the appending thread. On a busy one it queues one
/// flush on the thread pool behind the work already queued there; whatever has accumulated by the time it runs (the
/// rest of a stage's burst, frames of other sessions processed in the meantime) goes out in one socket call. A lone
/// message is never delayed, and messages of many sessions coalesce into few writes. An <em>urgent</em> message (a
/// probe or its answer, a remote object's lone call or last reply) is written at once by its thread whenever no write is
/// physically in flight, even when a flush is queued on the pool and has not run: liveness and calls never wait for a
/// thread pool that is busy with other work. Payloads are copied (or, for elements, encoded) into the pending buffer
/// under its lock; nothing is kept of the caller's spans.</para>
/// <para>The writer owns the end of the socket: <see cref="Finish"/> either releases it at once (the peer is gone)
/// or queues a <see cref="LinkMessageKind.Close"/> with the reason and releases the socket once it is written, or
/// after <see cref="CloseFlushTimeout"/> at the latest. No thread waits for that write.</para>
/// <para>A write that fails (for any reason, the socket's or not) ends the send loop, which hands the exception to the
/// failure callback; nothing more is appended after it but the close reason, which is sent only when the failed write
/// left the stream at a message boundary.</para>
/// </remarks>
internal sealed class LinkWriter
{
    /// <summary>Length prefix, kind and channel.</summary>
    private const int HeaderLength = 4 + 1 + 4;

    /// <summary>A link with nothing appended for this long (1 ms) is quiet: the next message is written at once.</summary>
    private static readonly long QuietTicks = Stopwatch.Frequency / 1000;

    /// <summary>The size both buffers start at and return to.</summary>
    private const int InitialBufferBytes = 64 * 1024;

    /// <summary>
    /// Buffers grown beyond this by a backlog are given back once no write has needed that much for
    /// <see cref="ShrinkAfterTicks"/>: a burst must not keep its high-water mark for the link's whole life.
    /// </summary>
    private const int RetainedBufferBytes = 256 * 1024;

    /// <summary>10 s without a write above <see cref="RetainedBufferBytes"/>.</summary>
    private static readonly long ShrinkAfterTicks = Stopwatch.Frequency * 10;

    private long _shrinkAfterTicks = ShrinkAfterTicks;

    private long _quietTicks = QuietTicks;
    private long _lastLargeWrite;

    private readonly Socket _socket;
    private readonly Stream? _secure;
    private readonly Action<Exception> _onFailure;
    private readonly object _gate = new();
    private byte[] _pending = new byte[InitialBufferBytes];
    private byte[] _inflight = new byte[InitialBufferBytes];
    private int _pendingLength;
    private bool _sending;
    private bool _looping;
    private bool _sendInline;
    private long _lastAppend;

    // Guarded by _gate.
    private bool _refusing;
    private bool _finishing;
    private bool _framingBroken;
    private Timer? _releaseTimer;

    private int _released;

    /// <param name="socket">The link's connected socket; released (shut down and disposed) by <see cref="Finish"/>.</param>
    /// <param name="secure">
    /// The authenticated TLS stream over <paramref name="socket"/>, written instead of it and disposed with it; null for plain TCP.
    /// </param>
    /// <param name="onFailure">Told, from the send loop, of the exception that ended a write; it must close the link.</param>
    public LinkWriter(Socket socket, Stream? secure, Action<Exception> onFailure)
    {
        _socket = socket;
        _secure = secure;
        _onFailure = onFailure;
    }

    /// <summary>How long a closing link waits for its close reason to be written before it releases the socket regardless.</summary>
    public static TimeSpan CloseFlushTimeout { get; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Test seam: when set, the send loop writes through this instead of the socket (it returns how many bytes it
    /// wrote). Lets a spec make a write fail in ways a socket does not. Null in production.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, ValueTask<int>>? WriteOverride { get; set; }

    /// <summary>
    /// Test seam: when set, a send loop that would be queued on the thread pool is handed to this instead, to run when
    /// the spec decides (or never: a starved pool). Null in production.
    /// </summary>
    public Action<Action>? QueueOverride { get; set; }

    /// <summary>Test seam: how long after its last large write a grown buffer is given back (production: 10 s).</summary>
    public TimeSpan ShrinkAfter
    {
        get => TimeSpan.FromSeconds((double)_shrinkAfterTicks / Stopwatch.Frequency);
        set => _shrinkAfterTicks = (long)(value.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>The bytes both buffers hold now, grown or not (for specs and diagnostics).</summary>
    public int BufferBytes
    {
        get
        {
            lock (_gate)
            {
                return _pending.Length + _inflight.Length;
            }
        }
    }

    /// <summary>Test seam: false makes the link busy whatever the time between appends (production: busy when appends come within 1 ms).</summary>
    public bool QuietLinkWritesAtOnce
    {
        get => _quietTicks != long.MaxValue;
        set => _quietTicks = value ? QuietTicks : long.MaxValue;
    }

    /// <summary>
    /// Queues a message with <paramref name="payload"/>; dropped once the writer is finishing or a write failed. An
    /// <paramref name="urgent"/> message (a remote object's call or reply: someone waits for it) is written at once on
    /// this thread when no write is in flight, busy link or not; otherwise it goes with the write in flight's next round.
    /// </summary>
    public void Append(LinkMessageKind kind, int channel, ReadOnlySpan<byte> payload, bool urgent = false)
    {
        lock (_gate)
        {
            if (_refusing)
            {
                return;
            }

            payload.CopyTo(Reserve(kind, channel, payload.Length));
            if (!StartSender(urgent))
            {
                return;
            }
        }

        Send();
    }

    /// <summary>Queues a <see cref="LinkMessageKind.Data"/> message, encoding <paramref name="element"/> straight into the pending buffer.</summary>
    public void AppendData(int channel, in LinkElementCodec.Encoded element)
    {
        lock (_gate)
        {
            if (_refusing)
            {
                return;
            }

            element.WriteTo(Reserve(LinkMessageKind.Data, channel, element.Length));
            if (!StartSender())
            {
                return;
            }
        }

        Send();
    }

    /// <summary>
    /// Ends sending; later calls do nothing. Messages not yet written are dropped. With a <paramref name="reason"/>, a
    /// <see cref="LinkMessageKind.Close"/> carrying it is written after any write in flight, from the thread pool, and
    /// the socket is released once it is out, or after <see cref="CloseFlushTimeout"/>. Without one (the peer is gone),
    /// or when a failed write left the stream mid-message, the socket is released at once. Never blocks.
    /// </summary>
    public void Finish(string? reason)
    {
        bool release;
        var startLoop = false;
        lock (_gate)
        {
            if (_finishing)
            {
                return;
            }

            _finishing = true;
            _refusing = true;
            _pendingLength = 0;
            release = reason is null || _framingBroken;
            if (!release)
            {
                Encoding.UTF8.GetBytes(reason, Reserve(LinkMessageKind.Close, 0, Encoding.UTF8.GetByteCount(reason!)));
                _releaseTimer = new Timer(static w => ((LinkWriter)w!).Release(), this, CloseFlushTimeout, Timeout.InfiniteTimeSpan);

                // A loop in flight writes the reason after its current write; otherwise one is started.
                startLoop = !_sending;
                _sending = true;
            }
        }

        if (release)
        {
            Release();
        }
        else if (startLoop)
        {
            QueueSendLoop();
        }
    }

    /// <summary>Appends a message header to the pending buffer and returns the room for its payload. Caller holds <see cref="_gate"/>.</summary>
    private Span<byte> Reserve(LinkMessageKind kind, int channel, int payloadLength)
    {
        var bodyLength = 1 + 4 + payloadLength;
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
    /// Caller holds <see cref="_gate"/>, has just appended. True when no send loop runs, so the caller
    /// must start one; decides how: inline when the message is urgent or the link had been quiet (nothing appended for
    /// <see cref="QuietTicks"/>), from the thread pool when it is busy. An urgent message also takes over a loop that is
    /// queued on the thread pool but has not started: a pool busy with other work (sessions being placed by the hundred)
    /// must not hold up a probe's answer or a call, or a live peer would look silent.
    /// </summary>
    private bool StartSender(bool urgent = false)
    {
        var now = Stopwatch.GetTimestamp();
        var quiet = urgent || now - _lastAppend > _quietTicks;
        _lastAppend = now;
        if (_sending)
        {
            if (urgent && !_looping)
            {
                // The queued loop finds the work done (or under way) and returns.
                _sendInline = true;
                return true;
            }

            return false;
        }

        _sending = true;
        _sendInline = quiet;
        return true;
    }

    /// <summary>
    /// Starts the send loop. After a quiet spell the appending thread writes at once: a lone message is
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
            QueueSendLoop();
        }
    }

    private void QueueSendLoop()
    {
        if (QueueOverride is { } queue)
        {
            queue(() => _ = SendLoopAsync());
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static w => _ = w.SendLoopAsync(), this, preferLocal: false);
    }

    /// <summary>
    /// Writes the pending buffer until it is empty, then ends (releasing the socket when finishing). One loop at a time:
    /// a loop started while another runs, or after the work it was started for was done, returns at once. Never faults:
    /// an exception ends the loop, stops appends and goes to the failure callback.
    /// </summary>
    private async Task SendLoopAsync()
    {
        lock (_gate)
        {
            if (_looping || !_sending)
            {
                return;
            }

            _looping = true;
        }

        var length = 0;
        var sent = 0;
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_pendingLength == 0)
                    {
                        _sending = false;
                        _looping = false;
                        if (!_finishing)
                        {
                            ShrinkIdleBuffers();
                            return;
                        }

                        break;
                    }

                    (_pending, _inflight) = (_inflight, _pending);
                    length = _pendingLength;
                    _pendingLength = 0;
                    if (length > RetainedBufferBytes)
                    {
                        _lastLargeWrite = Stopwatch.GetTimestamp();
                    }

                    if (_pending.Length < _inflight.Length / 4)
                    {
                        _pending = new byte[_inflight.Length];
                    }
                }

                sent = 0;
                while (sent < length)
                {
                    sent += await WriteAsync(_inflight.AsMemory(sent, length - sent)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            bool finishing;
            lock (_gate)
            {
                _sending = false;
                _looping = false;
                _refusing = true;
                _framingBroken |= sent > 0 && sent < length;
                finishing = _finishing;
            }

            if (finishing)
            {
                Release();
            }

            _onFailure(e);
            return;
        }

        Release();
    }

    /// <summary>
    /// Caller holds <see cref="_gate"/>, nothing is pending and no write is in flight: buffers a backlog grew are
    /// replaced by small ones once no write has needed them for <see cref="ShrinkAfterTicks"/> (the heartbeat's probes
    /// bring an idle link here every interval).
    /// </summary>
    private void ShrinkIdleBuffers()
    {
        if ((_pending.Length > RetainedBufferBytes || _inflight.Length > RetainedBufferBytes)
            && Stopwatch.GetTimestamp() - _lastLargeWrite > _shrinkAfterTicks)
        {
            _pending = new byte[InitialBufferBytes];
            _inflight = new byte[InitialBufferBytes];
        }
    }

    private ValueTask<int> WriteAsync(ReadOnlyMemory<byte> bytes) =>
        WriteOverride is { } write ? write(bytes)
        : _secure is null ? _socket.SendAsync(bytes, SocketFlags.None)
        : WriteSecureAsync(_secure, bytes);

    /// <summary>A TLS stream takes every byte or fails: the whole count is written.</summary>
    private static async ValueTask<int> WriteSecureAsync(Stream secure, ReadOnlyMemory<byte> bytes)
    {
        await secure.WriteAsync(bytes).ConfigureAwait(false);
        return bytes.Length;
    }

    /// <summary>Shuts the socket down and disposes it, once; a write still in flight then fails.</summary>
    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _releaseTimer?.Dispose();
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or disposed: nothing left to shut down.
        }

        _socket.Dispose();
        _secure?.Dispose();
    }
}
