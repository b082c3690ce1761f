using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Akka.Event;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// The receiving half of a <see cref="MediaLink"/>: reads the socket on a thread of its own, cuts the bytes into
/// messages and dispatches them. Channel events go to the channel's <see cref="ILinkChannel"/>; the elements of one
/// read are handed to each channel in one <see cref="ILinkChannel.OnData"/> call (earlier than that when a control
/// message of the same channel follows them, so order is kept). Link-level messages (probes, open, close) go to the
/// link.
/// </summary>
/// <remarks>
/// Elements are decoded straight from the receive buffer; the lists handed to <see cref="ILinkChannel.OnData"/>
/// belong to the channel from then on. Reading ends when the link is closed. It never ends silently: a broken
/// connection closes the link as gone, anything else (an unreadable message, a fault while dispatching) closes it
/// telling the peer why, and a fault that is not a malformed message is also logged as an error with its exception.
/// </remarks>
internal sealed class LinkReader
{
    /// <summary>The largest message a link reads unless its owner sets a smaller limit (<see cref="MaxMessageLength"/>).</summary>
    internal const int DefaultMaxMessageLength = 64 * 1024 * 1024;

    /// <summary>Room for one more TLS record's plaintext (at most 16 KB) before the gathering of <see cref="ReadSecure"/> stops.</summary>
    private const int TlsRecordRoom = 16 * 1024;

    private readonly ILinkReceiver _link;
    private readonly Func<byte[], int, int, int> _receive;
    private readonly LinkElementCodec _codec;
    private readonly ILoggingAdapter _log;
    private readonly Dictionary<int, List<object>> _batches = [];
    private long _lastReceive;

    /// <param name="link">The link whose channels the messages go to.</param>
    /// <param name="socket">The link's socket, read when <paramref name="secure"/> is null.</param>
    /// <param name="secure">The authenticated TLS stream over <paramref name="socket"/>, read instead of it; null for plain TCP.</param>
    /// <param name="codec">Decodes elements.</param>
    /// <param name="log">For faults of this node.</param>
    public LinkReader(MediaLink link, Socket socket, Stream? secure, LinkElementCodec codec, ILoggingAdapter log)
        : this(
            link,
            secure is null
                ? (buffer, offset, count) => socket.Receive(buffer, offset, count, SocketFlags.None)
                : (buffer, offset, count) => ReadSecure(socket, secure, buffer, offset, count),
            codec,
            log)
    {
    }

    /// <summary>
    /// Test seam: reads what <paramref name="receive"/> returns (the socket's <c>Receive</c> contract: bytes written at
    /// the offset, 0 at the end) and reports to <paramref name="link"/> instead of a <see cref="MediaLink"/>.
    /// </summary>
    internal LinkReader(ILinkReceiver link, Func<byte[], int, int, int> receive, LinkElementCodec codec, ILoggingAdapter log)
    {
        _link = link;
        _receive = receive;
        _codec = codec;
        _log = log;
        _lastReceive = Environment.TickCount64;
    }

    /// <summary>
    /// The largest message (kind, channel and payload) read; a longer length prefix closes the link, naming
    /// <see cref="MaxMessageLengthSetting"/>. Set before <see cref="Start"/>.
    /// </summary>
    public int MaxMessageLength { get; set; } = DefaultMaxMessageLength;

    /// <summary>The configuration key that sets <see cref="MaxMessageLength"/>, named when a message exceeds it; null when none does.</summary>
    public string? MaxMessageLengthSetting { get; set; }

    /// <summary>
    /// True while a message is dispatched that other bytes already read follow (more messages of the same read): a
    /// channel answering on the receive thread may leave its answer to be written with the next one. Read on the
    /// receive thread only, from a channel's callback.
    /// </summary>
    public bool MoreReceived { get; private set; }

    /// <summary>When bytes last arrived (<see cref="Environment.TickCount64"/>); creation time until then. Read from any thread.</summary>
    public long LastReceive => Volatile.Read(ref _lastReceive);

    /// <summary>
    /// Starts reading on a thread of its own, blocked in the socket's receive: the operating system wakes it when
    /// bytes arrive, without a hop through the thread pool, and a thread pool busy with stages cannot delay reading
    /// (which would also look like a silent peer).
    /// </summary>
    public void Start() => new Thread(Run) { IsBackground = true, Name = "akka-media-link-receive" }.Start();

    /// <summary>Reads on the calling thread until the link closes; never throws (every failure closes the link). Also the test seam's entry.</summary>
    internal void Run()
    {
        try
        {
            ReadUntilClosed();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            _link.Close(new IOException($"The link to {_link.Peer} broke: {e.Message}", e), peerGone: true);
        }
        catch (Exception e)
        {
            if (e is not InvalidDataException)
            {
                _log.Error(e, "Media link to {0}: receiving failed unexpectedly", _link.Peer);
            }

            _link.Close(new InvalidDataException($"The link to {_link.Peer} carried a message this node cannot read: {e.Message}", e));
        }
    }

    private void ReadUntilClosed()
    {
        var buffer = new byte[256 * 1024];
        var filled = 0;
        while (!_link.IsClosed)
        {
            var read = _receive(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                _link.Close(new IOException($"{_link.Peer} closed the link without saying why (its process ended or its connection was reset)."), peerGone: true);
                return;
            }

            Volatile.Write(ref _lastReceive, Environment.TickCount64);
            filled += read;
            var offset = 0;
            while (filled - offset >= 4 && !_link.IsClosed)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset));
                if (length < 5)
                {
                    throw new InvalidDataException($"Corrupt link message length {length} from {_link.Peer}.");
                }

                if (length > MaxMessageLength)
                {
                    throw new InvalidDataException(
                        $"A link message of {length} bytes from {_link.Peer} exceeds the largest this node accepts ({MaxMessageLength} bytes{(MaxMessageLengthSetting is null ? "" : ", " + MaxMessageLengthSetting)}).");
                }

                if (filled - offset - 4 < length)
                {
                    break;
                }

                MoreReceived = filled > offset + 4 + length;
                Dispatch(buffer.AsSpan(offset + 4, length));
                offset += 4 + length;
            }

            FlushBatches();
            if (offset > 0)
            {
                Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                filled -= offset;
            }

            if (filled == buffer.Length)
            {
                // A message longer than the buffer is arriving (its length was checked above): the buffer grows with the
                // bytes that came, doubling, never straight to what a header claims, so a lying peer costs no memory.
                var needed = 4 + BinaryPrimitives.ReadInt32LittleEndian(buffer);
                Array.Resize(ref buffer, Math.Min(needed, buffer.Length * 2));
            }
        }
    }

    /// <summary>
    /// Reads from the TLS stream into <paramref name="buffer"/> at <paramref name="offset"/>, at most <paramref name="count"/> bytes. One TLS read yields
    /// one record (16 KB at most); while more bytes wait in the socket, it reads on, so that a busy link still hands its
    /// channels large batches (as a plain read of the socket does) instead of a few elements per record.
    /// </summary>
    private static int ReadSecure(Socket socket, Stream secure, byte[] buffer, int offset, int count)
    {
        var total = secure.Read(buffer, offset, count);
        while (total > 0 && count - total >= TlsRecordRoom && socket.Available > 0)
        {
            var more = secure.Read(buffer, offset + total, count - total);
            if (more == 0)
            {
                break;
            }

            total += more;
        }

        return total;
    }

    private void Dispatch(ReadOnlySpan<byte> message)
    {
        var kind = (LinkMessageKind)message[0];
        var channel = BinaryPrimitives.ReadInt32LittleEndian(message[1..]);
        var payload = message[5..];
        switch (kind)
        {
            case LinkMessageKind.Probe:
                _link.AnswerProbe(payload);
                return;
            case LinkMessageKind.ProbeReply:
                _link.ProbeAnswered(payload);
                return;
            case LinkMessageKind.Close:
                _link.Close(new IOException($"{_link.Peer} closed the link: {Encoding.UTF8.GetString(payload)}"), peerGone: true);
                return;
            case LinkMessageKind.Open:
                _link.Opened(channel, Encoding.UTF8.GetString(payload));
                return;
        }

        // Anything for a channel this end does not know (any more) is dropped, whatever its kind.
        if (!_link.TryGetChannel(channel, out var handler))
        {
            return;
        }

        if (kind == LinkMessageKind.Data)
        {
            if (!_batches.TryGetValue(channel, out var batch))
            {
                _batches[channel] = batch = [];
            }

            batch.Add(_codec.Decode(payload));
            return;
        }

        if (_batches.Remove(channel, out var pending) && pending.Count > 0)
        {
            handler.OnData(pending);
        }

        switch (kind)
        {
            case LinkMessageKind.Demand:
                handler.OnDemand(payload.Length == 4
                    ? BinaryPrimitives.ReadInt32LittleEndian(payload)
                    : throw new InvalidDataException($"Corrupt demand from {_link.Peer}: {payload.Length} bytes instead of a 4-byte count."));
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
            case LinkMessageKind.Call:
                handler.OnCall(payload);
                break;
            case LinkMessageKind.Reply:
                handler.OnReply(payload);
                break;
            default:
                throw new InvalidDataException($"Unknown link message kind {(byte)kind} from {_link.Peer}.");
        }
    }

    private void FlushBatches()
    {
        if (_batches.Count == 0)
        {
            return;
        }

        foreach (var (channel, batch) in _batches)
        {
            if (_link.TryGetChannel(channel, out var handler))
            {
                handler.OnData(batch);
            }
        }

        _batches.Clear();
    }
}
