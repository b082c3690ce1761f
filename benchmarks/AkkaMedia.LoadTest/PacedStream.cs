using System.Diagnostics;
using AkkaMedia.Frames;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The bookkeeping of one paced stream, allocated before the stream starts: the send time of every
/// frame by sequence number and its round-trip time once it returns (Stopwatch ticks, -1 = not back).
/// <see cref="Send"/> runs in the stream's upstream, <see cref="Receive"/> in its sink; the driver
/// reads the figures after the stream completed.
/// </summary>
internal sealed class PacedStream
{
    private readonly long[] _sentAt;
    private readonly long[] _latency;
    private int _sent;
    private long _next;

    public PacedStream(int frames)
    {
        _sentAt = new long[frames];
        _latency = new long[frames];
        Array.Fill(_latency, -1);
    }

    /// <summary>Frames the stream sends; it completes after that many.</summary>
    public int Frames => _sentAt.Length;

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

    /// <summary>The next frame; its send time is <paramref name="tick"/>, the timestamp at which its source produced it.</summary>
    public AudioFrame Send(long tick)
    {
        var sequence = _sent;
        _sentAt[sequence] = tick;
        Volatile.Write(ref _sent, sequence + 1);
        return LoadTestFrames.Create(sequence);
    }

    public void Receive(AudioFrame frame)
    {
        var now = Stopwatch.GetTimestamp();
        var sequence = frame.Sequence;
        if (sequence < 0 || sequence >= _sent)
        {
            Unexpected++;
        }
        else if (_latency[sequence] >= 0)
        {
            Duplicates++;
        }
        else
        {
            _latency[sequence] = now - _sentAt[sequence];
            if (sequence != _next)
            {
                OutOfOrder++;
            }
        }

        _next = sequence + 1;
        Received++;
        if (Received == 1)
        {
            FirstReceived.TrySetResult();
        }
    }

    /// <summary>
    /// Appends the round-trip times of the frames that returned to <paramref name="into"/>, to the list of
    /// <paramref name="bySecond"/> for the second (counted from <paramref name="epoch"/>) each was sent in,
    /// and to <paramref name="steady"/> when it was sent at or after <paramref name="steadyFrom"/> (a timestamp).
    /// </summary>
    public void CollectLatencies(List<long> into, long epoch, List<List<long>> bySecond, long steadyFrom, List<long> steady)
    {
        for (var i = 0; i < _latency.Length; i++)
        {
            var ticks = _latency[i];
            if (ticks < 0)
            {
                continue;
            }

            into.Add(ticks);
            if (_sentAt[i] >= steadyFrom)
            {
                steady.Add(ticks);
            }

            var second = (int)((_sentAt[i] - epoch) / Stopwatch.Frequency);
            while (bySecond.Count <= second)
            {
                bySecond.Add([]);
            }

            bySecond[second].Add(ticks);
        }
    }
}
