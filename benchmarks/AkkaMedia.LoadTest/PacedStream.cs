using System.Diagnostics;
using AkkaMedia.Frames;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The bookkeeping of one paced stream: the send time of every frame by sequence number and its
/// round-trip time once it returns (Stopwatch ticks, -1 = not back), in chunks of 1,024 frames allocated
/// as the stream gets there (a held stream's length is not known in advance), and when the stream was
/// started and had its first frame back.
/// <see cref="Send"/> runs in the stream's upstream, <see cref="Receive"/> in its sink; the driver
/// reads the figures after the stream completed.
/// </summary>
internal sealed class PacedStream
{
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly long[]?[] _sentAt;
    private readonly long[]?[] _latency;
    private int _sent;
    private long _next;
    private long _startedAt;
    private long _firstReceivedAt;

    /// <param name="maxFrames">The most frames the stream can send.</param>
    public PacedStream(int maxFrames)
    {
        var chunks = (maxFrames + ChunkSize - 1) >> ChunkBits;
        _sentAt = new long[]?[chunks];
        _latency = new long[]?[chunks];
    }

    /// <summary>Completes with the first frame back, or when the stream ended without one.</summary>
    public TaskCompletionSource FirstReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Sent => Volatile.Read(ref _sent);

    public int Received { get; private set; }

    /// <summary>Frames that did not come back as the successor of the previous one.</summary>
    public int OutOfOrder { get; private set; }

    /// <summary>Frames that came back twice.</summary>
    public int Duplicates { get; private set; }

    /// <summary>Frames with a sequence number this stream never sent.</summary>
    public int Unexpected { get; private set; }

    /// <summary>From <see cref="MarkStarted"/> to the first frame back, Stopwatch ticks; -1 when no frame came back.</summary>
    public long OpenTicks => _firstReceivedAt == 0 ? -1 : _firstReceivedAt - _startedAt;

    /// <summary>Records that the stream is being materialized now: its session-open time runs from here.</summary>
    public void MarkStarted() => _startedAt = Stopwatch.GetTimestamp();

    /// <summary>The next frame; its send time is <paramref name="tick"/>, the timestamp at which its source produced it.</summary>
    public AudioFrame Send(long tick)
    {
        var sequence = _sent;
        var chunk = sequence >> ChunkBits;
        if (_sentAt[chunk] is null)
        {
            var latency = new long[ChunkSize];
            Array.Fill(latency, -1);
            _latency[chunk] = latency;
            _sentAt[chunk] = new long[ChunkSize];
        }

        _sentAt[chunk]![sequence & (ChunkSize - 1)] = tick;
        Volatile.Write(ref _sent, sequence + 1);
        return LoadTestFrames.Create(sequence);
    }

    public void Receive(AudioFrame frame)
    {
        var now = Stopwatch.GetTimestamp();
        var sequence = frame.Sequence;
        if (sequence < 0 || sequence >= Sent)
        {
            Unexpected++;
        }
        else
        {
            var chunk = (int)(sequence >> ChunkBits);
            var index = (int)(sequence & (ChunkSize - 1));
            var latency = _latency[chunk]!;
            if (latency[index] >= 0)
            {
                Duplicates++;
            }
            else
            {
                latency[index] = now - _sentAt[chunk]![index];
                if (sequence != _next)
                {
                    OutOfOrder++;
                }
            }
        }

        _next = sequence + 1;
        Received++;
        if (Received == 1)
        {
            _firstReceivedAt = now;
            FirstReceived.TrySetResult();
        }

        // The sink is the frame's last owner: its pooled buffer goes back for the next frame the link reads.
        frame.Release();
    }

    /// <summary>
    /// Appends the round-trip times of the frames that returned to <paramref name="into"/>, to the list of
    /// <paramref name="bySecond"/> for the second (counted from <paramref name="epoch"/>) each was sent in,
    /// and to <paramref name="steady"/> when it was sent at or after <paramref name="steadyFrom"/> (a timestamp).
    /// </summary>
    public void CollectLatencies(List<long> into, long epoch, List<List<long>> bySecond, long steadyFrom, List<long> steady)
    {
        var sent = Sent;
        for (var i = 0; i < sent; i++)
        {
            var ticks = _latency[i >> ChunkBits]![i & (ChunkSize - 1)];
            if (ticks < 0)
            {
                continue;
            }

            var sentAt = _sentAt[i >> ChunkBits]![i & (ChunkSize - 1)];
            into.Add(ticks);
            if (sentAt >= steadyFrom)
            {
                steady.Add(ticks);
            }

            var second = (int)((sentAt - epoch) / Stopwatch.Frequency);
            while (bySecond.Count <= second)
            {
                bySecond.Add([]);
            }

            bySecond[second].Add(ticks);
        }
    }

    /// <summary>Appends the round trips of the frames that returned and were sent in [<paramref name="from"/>, <paramref name="to"/>) (timestamps) to <paramref name="into"/>.</summary>
    public void CollectWindow(long from, long to, List<long> into)
    {
        var sent = Sent;
        for (var i = 0; i < sent; i++)
        {
            var ticks = _latency[i >> ChunkBits]![i & (ChunkSize - 1)];
            var sentAt = _sentAt[i >> ChunkBits]![i & (ChunkSize - 1)];
            if (ticks >= 0 && sentAt >= from && sentAt < to)
            {
                into.Add(ticks);
            }
        }
    }
}
