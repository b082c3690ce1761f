using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// One client session of the load: a <see cref="ClientWebSocket"/> speaking <c>/media</c>. The clock
/// thread calls <see cref="Tick"/> every 20 ms; the tick stamps a packet and hands it to the session's
/// send pump (inline when the socket is idle, queued behind the send in flight otherwise), so it never
/// waits for the socket. A receive loop pairs every returned packet with the tick that sent it (by its
/// stamp, or in order when the stamp did not survive the edge) and records the round trip.
/// </summary>
/// <remarks>
/// Threading: <see cref="Tick"/> runs on the clock thread only, the receive loop on the thread pool;
/// they share the send timestamps (written before the packet is handed to the socket, read after its
/// echo arrived) and nothing else. Results are read after <see cref="StopAsync"/>.
/// </remarks>
internal sealed class LoadSession : IDisposable
{
    private const int ReceiveBytes = 64 * 1024;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly int _index;
    private readonly Uri _url;
    private readonly MediaPacket _packet;
    private readonly int _sampleRate;
    private readonly ClientWebSocket _socket = new();
    private readonly long[] _sentAt;
    private readonly bool[] _seen;
    private readonly long[] _roundTrips;
    private readonly int[] _roundTripSequences;
    private readonly ConcurrentQueue<Outgoing> _outgoing = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiveLoop = Task.CompletedTask;
    private int _sent;
    private int _pumping;
    private int _backlog;
    private volatile bool _closed;
    private int _highestSequence = -1;

    /// <summary>
    /// A session numbered <paramref name="index"/> in its point (carried in every packet's stamp) that sends at
    /// most <paramref name="capacity"/> packets (the clock's ticks beyond are ignored).
    /// </summary>
    public LoadSession(int index, Uri url, MediaPacket packet, int sampleRate, int capacity)
    {
        _index = index;
        _url = url;
        _packet = packet;
        _sampleRate = sampleRate;
        _sentAt = new long[capacity];
        _seen = new bool[capacity];
        _roundTrips = new long[capacity];
        _roundTripSequences = new int[capacity];
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    /// <summary>Connect + <c>start</c> → <c>started</c>, in <see cref="Stopwatch"/> ticks; 0 until started.</summary>
    public long SetupTicks { get; private set; }

    /// <summary>The WebSocket handshake alone (TCP connect + HTTP upgrade), in <see cref="Stopwatch"/> ticks; 0 until connected.</summary>
    public long ConnectTicks { get; private set; }

    /// <summary>The round trip of the session's first packet (sent at its first tick after <c>started</c>), in <see cref="Stopwatch"/> ticks; 0 until it is back.</summary>
    public long FirstRoundTripTicks { get; private set; }

    /// <summary>Packets handed to the socket.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Audio messages received (every one, paired or not).</summary>
    public int Received { get; private set; }

    /// <summary>Round trips recorded (received packets paired with a send).</summary>
    public int RoundTripCount { get; private set; }

    /// <summary>Packets received out of order (a sequence number below one already received).</summary>
    public int OutOfOrder { get; private set; }

    /// <summary>Packets received twice.</summary>
    public int Duplicates { get; private set; }

    /// <summary>Packets the server reported dropped (<c>dropped</c> events), on the way out or (<c>incoming</c>) on the way in.</summary>
    public long Dropped { get; private set; }

    /// <summary>Events other than started, dropped, pong and stopped.</summary>
    public int OtherEvents { get; private set; }

    /// <summary>The most packets waiting behind a send in flight at once (0: every send completed inline).</summary>
    public int MaxBacklog { get; private set; }

    /// <summary><c>stopped</c>'s counts; -1 until it arrived.</summary>
    public long ServerFramesIn { get; private set; } = -1;

    /// <inheritdoc cref="ServerFramesIn"/>
    public long ServerFramesOut { get; private set; } = -1;

    /// <summary>The close code the server sent; null when it did not close.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>What went wrong (setup, an <c>error</c> event, a socket failure, a late or missing <c>stopped</c>); null when nothing did.</summary>
    public string? Failure { get; private set; }

    /// <summary>Round trip <paramref name="i"/> (of <see cref="RoundTripCount"/>): its duration and its send timestamp.</summary>
    public (long Ticks, long SentAt) RoundTrip(int i) => (_roundTrips[i], _sentAt[_roundTripSequences[i]]);

    /// <summary>Connects, sends <c>start</c> and waits for <c>started</c>.</summary>
    /// <returns>False when the session did not start (<see cref="Failure"/> says why).</returns>
    public async Task<bool> StartAsync()
    {
        var began = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await _socket.ConnectAsync(_url, timeout.Token);
            ConnectTicks = Stopwatch.GetTimestamp() - began;
            var start = FormattableString.Invariant($"{{\"type\":\"start\",\"sampleRate\":{_sampleRate},\"channels\":1,\"encoding\":\"pcm16\"}}");
            await _socket.SendAsync(Encoding.UTF8.GetBytes(start), WebSocketMessageType.Text, true, timeout.Token);
            _receiveLoop = Task.Run(ReceiveLoopAsync);
            await _started.Task.WaitAsync(timeout.Token);
            SetupTicks = Stopwatch.GetTimestamp() - began;
            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            Fail(e is OperationCanceledException ? $"not started within {StartTimeout.TotalSeconds:0} s" : "start: " + e.Message);
            _closed = true;
            return false;
        }
    }

    /// <summary>Called by the clock thread: sends the next packet, stamped <paramref name="now"/>. Never blocks.</summary>
    public void Tick(long now)
    {
        var sequence = _sent;
        if (_closed || sequence >= _sentAt.Length)
        {
            return;
        }

        _sentAt[sequence] = now;
        Volatile.Write(ref _sent, sequence + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(_packet.Length);
        _packet.Write(buffer, _index, sequence);
        Enqueue(new Outgoing(buffer, _packet.Length, null));
    }

    /// <summary>Sends <c>stop</c>, waits for <c>stopped</c> and the server's close. Call once the clock is disposed.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_closed)
        {
            return;
        }

        Enqueue(new Outgoing(null, 0, "{\"type\":\"stop\"}"));
        try
        {
            await _stopped.Task.WaitAsync(timeout);
            await _receiveLoop.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Fail(_stopped.Task.IsCompleted ? $"no close within {timeout.TotalSeconds:0} s of stopped" : $"no stopped within {timeout.TotalSeconds:0} s of stop");
        }

        if (CloseStatus is not WebSocketCloseStatus.NormalClosure && Failure is null)
        {
            Fail($"closed with {CloseStatus?.ToString() ?? "nothing"} after stopped, not 1000");
        }
    }

    public void Dispose()
    {
        _closed = true;
        _socket.Abort();
        _socket.Dispose();
    }

    private void Enqueue(Outgoing message)
    {
        _outgoing.Enqueue(message);
        var backlog = Interlocked.Increment(ref _backlog);
        if (backlog > 1 && backlog - 1 > MaxBacklog)
        {
            MaxBacklog = backlog - 1;
        }

        if (Interlocked.Exchange(ref _pumping, 1) == 0)
        {
            _ = PumpAsync();
        }
    }

    /// <summary>Sends what is queued, one message at a time; runs inline on the caller until a send does not complete at once.</summary>
    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                while (_outgoing.TryDequeue(out var message))
                {
                    if (message.Text is { } text)
                    {
                        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
                    }
                    else
                    {
                        try
                        {
                            await _socket.SendAsync(message.Buffer.AsMemory(0, message.Length), WebSocketMessageType.Binary, true, CancellationToken.None);
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(message.Buffer!);
                        }
                    }

                    Interlocked.Decrement(ref _backlog);
                }

                Volatile.Write(ref _pumping, 0);
                if (_outgoing.IsEmpty || Interlocked.Exchange(ref _pumping, 1) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // _pumping stays 1: nothing more is sent on this socket.
            _closed = true;
            Fail("send: " + e.Message);
            while (_outgoing.TryDequeue(out var message))
            {
                if (message.Buffer is { } buffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[ReceiveBytes];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && count < buffer.Length);

                var now = Stopwatch.GetTimestamp();
                switch (result.MessageType)
                {
                    case WebSocketMessageType.Binary:
                        OnAudio(buffer.AsSpan(0, count), now);
                        break;
                    case WebSocketMessageType.Text:
                        OnEvent(buffer.AsSpan(0, count));
                        break;
                    default:
                        CloseStatus = _socket.CloseStatus;
                        _closed = true;
                        if (_socket.State == WebSocketState.CloseReceived)
                        {
                            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        }

                        if (CloseStatus is not WebSocketCloseStatus.NormalClosure)
                        {
                            Fail($"closed with {CloseStatus} {_socket.CloseStatusDescription}");
                        }

                        _started.TrySetException(new WebSocketException($"closed with {CloseStatus} before started"));
                        _stopped.TrySetResult();
                        return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            _closed = true;
            Fail("receive: " + e.Message);
            _started.TrySetException(e);
            _stopped.TrySetResult();
        }
    }

    private void OnAudio(ReadOnlySpan<byte> packet, long now)
    {
        var inOrder = Received++;
        var sequence = MediaPacket.TryRead(packet, out var session, out var stamped) && session == (_index & 0xFFFF) ? stamped : inOrder;
        if (sequence >= Volatile.Read(ref _sent))
        {
            return;
        }

        if (_seen[sequence])
        {
            Duplicates++;
            return;
        }

        _seen[sequence] = true;
        if (sequence < _highestSequence)
        {
            OutOfOrder++;
        }

        _highestSequence = Math.Max(_highestSequence, sequence);
        if (sequence == 0)
        {
            FirstRoundTripTicks = now - _sentAt[0];
        }

        _roundTrips[RoundTripCount] = now - _sentAt[sequence];
        _roundTripSequences[RoundTripCount] = sequence;
        RoundTripCount++;
    }

    private void OnEvent(ReadOnlySpan<byte> json)
    {
        string? type = null;
        long frames = 0;
        long framesIn = -1;
        long framesOut = -1;
        string? message = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "type":
                        type = reader.GetString();
                        break;
                    case "frames" when reader.TokenType == JsonTokenType.Number:
                        frames += reader.GetInt64();
                        break;
                    case "incoming" when reader.TokenType == JsonTokenType.Number:
                        // Dropped on the way in (max-input-lag): as much a reported drop as one on the way out.
                        frames += reader.GetInt64();
                        break;
                    case "framesIn" when reader.TokenType == JsonTokenType.Number:
                        framesIn = reader.GetInt64();
                        break;
                    case "framesOut" when reader.TokenType == JsonTokenType.Number:
                        framesOut = reader.GetInt64();
                        break;
                    case "message" when reader.TokenType == JsonTokenType.String:
                        message = reader.GetString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            type = "invalid JSON";
        }

        switch (type)
        {
            case "started":
                _started.TrySetResult();
                break;
            case "dropped":
                Dropped += frames;
                break;
            case "stopped":
                ServerFramesIn = framesIn;
                ServerFramesOut = framesOut;
                _stopped.TrySetResult();
                break;
            case "error":
                Fail("error event: " + message);
                break;
            case "pong":
                break;
            default:
                OtherEvents++;
                break;
        }
    }

    private void Fail(string failure) => Failure ??= failure;

    /// <summary>A message waiting for the socket: a pooled packet (returned after its send) or a text message.</summary>
    private readonly record struct Outgoing(byte[]? Buffer, int Length, string? Text);
}
