using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A <c>/media</c> client of a real <c>akkamedia serve</c>: PCM16 mono at 48 kHz in 20 ms packets. A receive loop keeps
/// everything the server sends (audio samples, text events, the close); waits are on conditions over what arrived, each
/// with a timeout whose failure says what arrived. Sends are serialized (the socket takes one at a time). Disposing
/// aborts the connection if it is still open.
/// </summary>
internal sealed class LiveClient : IAsyncDisposable
{
    /// <summary>The client's rate, both directions.</summary>
    public const int SampleRate = 48000;

    /// <summary>Sample frames of one 20 ms packet.</summary>
    public const int PacketFrames = SampleRate / 50;

    /// <summary>How long one wait may take on a busy machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly object _gate = new();
    private readonly List<short> _samples = [];
    private readonly List<JsonElement> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private int _packetsReceived;
    private int _packetsSent;
    private bool _closed;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeReason;
    private Exception? _broken;

    private LiveClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>The session id from <c>started</c>.</summary>
    public string Session { get; private set; } = string.Empty;

    /// <summary>Audio packets received.</summary>
    public int PacketsReceived
    {
        get
        {
            lock (_gate)
            {
                return _packetsReceived;
            }
        }
    }

    /// <summary>Audio packets sent.</summary>
    public int PacketsSent => Volatile.Read(ref _packetsSent);

    /// <summary>Whether the connection has ended (a close frame from the server, or broken).</summary>
    public bool Closed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>The server's close status, once closed with a close frame.</summary>
    public WebSocketCloseStatus? CloseStatus
    {
        get
        {
            lock (_gate)
            {
                return _closeStatus;
            }
        }
    }

    /// <summary>Every sample received so far, in order.</summary>
    public short[] Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Every text message received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>What arrived so far, for failure messages.</summary>
    public string Summary
    {
        get
        {
            lock (_gate)
            {
                var events = string.Join(", ", _events.Select(e => e.GetRawText()));
                var close = _closed ? $"closed {(int?)_closeStatus} '{_closeReason}'{(_broken is null ? string.Empty : $" (broken: {_broken.Message})")}" : "open";
                return $"session {Session}: {_packetsSent} packets sent, {_packetsReceived} received; events [{events}]; {close}";
            }
        }
    }

    /// <summary>
    /// Connects to <c>/media</c> of the server at <paramref name="server"/> (WSS when it is <c>https://</c>, its certificate
    /// checked by <paramref name="validate"/>) and starts a session; fails unless it gets <c>started</c>.
    /// </summary>
    public static async Task<LiveClient> StartAsync(Uri server, System.Net.Security.RemoteCertificateValidationCallback? validate = null)
    {
        var socket = new ClientWebSocket();
        if (validate is not null)
        {
            socket.Options.RemoteCertificateValidationCallback = validate;
        }

        var client = new LiveClient(socket);
        try
        {
            using (var timeout = new CancellationTokenSource(Patience))
            {
                var scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
                await socket.ConnectAsync(new UriBuilder(server) { Scheme = scheme, Path = "/media" }.Uri, timeout.Token).ConfigureAwait(false);
            }

            client._receiving = client.ReceiveLoopAsync();
            await client.SendTextAsync($$"""{"type":"start","sampleRate":{{SampleRate}},"channels":1,"encoding":"pcm16"}""").ConfigureAwait(false);
            var started = await client.WaitForEventAsync("started", Patience).ConfigureAwait(false);
            client.Session = started.GetProperty("session").GetString() ?? string.Empty;
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A 20 ms packet of a tone at <paramref name="amplitude"/> (full scale), continuing from packet <paramref name="index"/>'s position.</summary>
    public static short[] TonePacket(int index, double amplitude, double frequency = 440)
    {
        var packet = new short[PacketFrames];
        for (var i = 0; i < packet.Length; i++)
        {
            var n = ((long)index * PacketFrames) + i;
            packet[i] = (short)Math.Round(32768 * amplitude * Math.Sin(2 * Math.PI * frequency * n / SampleRate));
        }

        return packet;
    }

    /// <summary>Root mean square, in full scale (0..1), of the samples from <paramref name="fromMs"/> to <paramref name="toMs"/>.</summary>
    public static double Rms(short[] samples, int fromMs, int toMs)
    {
        var from = fromMs * SampleRate / 1000;
        var to = Math.Min(samples.Length, toMs * SampleRate / 1000);
        if (to <= from)
        {
            throw new InvalidOperationException($"No samples from {fromMs} ms to {toMs} ms: only {samples.Length * 1000.0 / SampleRate:0} ms arrived.");
        }

        var sum = 0.0;
        for (var i = from; i < to; i++)
        {
            sum += (double)samples[i] * samples[i];
        }

        return Math.Sqrt(sum / (to - from)) / 32768;
    }

    /// <summary>
    /// Sends packets <c>packet(0)</c>, <c>packet(1)</c>… (<paramref name="count"/> of them, or until the connection ends),
    /// never more than <paramref name="maxAhead"/> packets ahead of what came back, as a real-time client keeps up with
    /// the server. Returns when all are sent or the connection ended.
    /// </summary>
    public async Task StreamAsync(Func<int, short[]> packet, int maxAhead, int count = int.MaxValue)
    {
        for (var i = 0; i < count; i++)
        {
            var index = i;
            await WaitUntilAsync(() => _closed || _packetsReceived >= index - maxAhead, Patience, $"audio back to within {maxAhead} packets of packet {index}").ConfigureAwait(false);
            if (Closed)
            {
                return;
            }

            var samples = packet(i);
            var bytes = new byte[samples.Length * 2];
            for (var s = 0; s < samples.Length; s++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * s), samples[s]);
            }

            try
            {
                await SendAsync(bytes, WebSocketMessageType.Binary).ConfigureAwait(false);
            }
            catch (Exception) when (Closed)
            {
                return;
            }

            Interlocked.Increment(ref _packetsSent);
        }
    }

    /// <summary>Sends one text message.</summary>
    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>Completes once <paramref name="condition"/> (checked under the client's lock) holds over what arrived.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition())
                {
                    return;
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)).ConfigureAwait(false) != changed)
            {
                throw new TimeoutException($"No {what} within {timeout.TotalSeconds:0} s; {Summary}");
            }
        }
    }

    /// <summary>The first text message of type <paramref name="type"/> (also one received before the call).</summary>
    public async Task<JsonElement> WaitForEventAsync(string type, TimeSpan timeout)
    {
        await WaitUntilAsync(() => _events.Any(e => TypeOf(e) == type), timeout, $"'{type}' message").ConfigureAwait(false);
        return Events.First(e => TypeOf(e) == type);
    }

    /// <summary>Completes once the connection has ended.</summary>
    public Task WaitForCloseAsync(TimeSpan timeout) => WaitUntilAsync(() => _closed, timeout, "close");

    /// <summary>Vanishes: the connection is dropped without a close frame, as when a client's process dies.</summary>
    public void Abort()
    {
        // Ended first, so that a send the abort interrupts is seen as the end of the connection.
        Changed(() =>
        {
            _closed = true;
            _broken ??= new WebSocketException("the client aborted the connection");
        });
        _socket.Abort();
    }

    /// <summary>The <c>type</c> of a server message.</summary>
    public static string? TypeOf(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty("type", out var type) ? type.GetString() : null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _socket.Abort();
        }

        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
        _sending.Dispose();
    }

    private async Task SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            await _socket.SendAsync(bytes, type, true, timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Changed(() =>
                    {
                        _closed = true;
                        _closeStatus = result.CloseStatus;
                        _closeReason = result.CloseStatusDescription;
                    });
                    await AnswerCloseAsync().ConfigureAwait(false);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    var samples = new short[length / 2];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        samples[i] = BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(2 * i));
                    }

                    Changed(() =>
                    {
                        _samples.AddRange(samples);
                        _packetsReceived++;
                    });
                }
                else
                {
                    using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
                    var message = json.RootElement.Clone();
                    Changed(() => _events.Add(message));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Changed(() =>
            {
                _closed = true;
                _broken ??= e;
            });
        }
    }

    private async Task AnswerCloseAsync()
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(Patience);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server dropped the connection after its close: nothing left to answer.
        }
        finally
        {
            _sending.Release();
        }
    }

    private void Changed(Action update)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            update();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
