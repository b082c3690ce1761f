using System.Diagnostics;
using Akka.Streams;
using AkkaMedia.Frames;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The bookkeeping of one stream of the soak scenario, in constant memory however long it runs: the send times of
/// the last <see cref="RingSize"/> frames (a frame's round trip must stay under 20 s), frames sent and back, and
/// frames that came back out of order, twice or never sent. Each round trip goes to the histogram of the minute it
/// came back in. <see cref="Send"/> runs in the stream's upstream, <see cref="Receive"/> in its sink; the driver reads the
/// counts once the stream completed.
/// </summary>
internal sealed class SoakStream(Func<LatencyHistogram> histogram)
{
    /// <summary>Send times kept: 1,024 frames, 20.48 s at 50 frames a second.</summary>
    private const int RingSize = 1024;

    private readonly long[] _sentAt = new long[RingSize];
    private int _sent;
    private long _next;

    /// <summary>Completes with the first frame back, or when the stream ended without one.</summary>
    public TaskCompletionSource FirstReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Stops the stream's source; the frames in flight still come back before it completes.</summary>
    public UniqueKillSwitch? KillSwitch { get; set; }

    /// <summary>Completes when the stream did.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    public int Sent => Volatile.Read(ref _sent);

    public int Received { get; private set; }

    /// <summary>Frames that came back out of order, twice, or with a sequence number never sent (or sent more than <see cref="RingSize"/> frames earlier).</summary>
    public int Disordered { get; private set; }

    /// <summary>The next frame; its send time is <paramref name="tick"/>, the timestamp at which its source produced it.</summary>
    public AudioFrame Send(long tick)
    {
        var sequence = _sent;
        _sentAt[sequence & (RingSize - 1)] = tick;
        Volatile.Write(ref _sent, sequence + 1);
        return LoadTestFrames.Create(sequence);
    }

    public void Receive(AudioFrame frame)
    {
        var now = Stopwatch.GetTimestamp();
        var sequence = frame.Sequence;
        if (sequence != _next || sequence >= Sent || Sent - sequence > RingSize)
        {
            Disordered++;
        }
        else
        {
            histogram().Record(now - _sentAt[sequence & (RingSize - 1)]);
        }

        _next = sequence + 1;
        Received++;
        if (Received == 1)
        {
            FirstReceived.TrySetResult();
        }

        // The sink is the frame's last owner: its pooled buffer goes back for the next frame the link reads.
        frame.Release();
    }
}
