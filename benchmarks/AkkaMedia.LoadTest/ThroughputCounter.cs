using AkkaMedia.Frames;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The driver's bookkeeping of one full-speed run. <see cref="Sent"/> is written by the stream's
/// upstream, the rest by its sink; other threads only read (<see cref="Volatile"/>).
/// </summary>
internal sealed class ThroughputCounter
{
    private long _sent;
    private long _received;
    private long _outOfOrder;
    private long _next;

    /// <summary>Completes with the first frame back from the executor.</summary>
    public TaskCompletionSource FirstReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Sent => Volatile.Read(ref _sent);

    public long Received => Volatile.Read(ref _received);

    /// <summary>Frames that did not come back as the successor of the previous one (reordered, duplicated or after a gap).</summary>
    public long OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>The next frame to send.</summary>
    public AudioFrame Send()
    {
        var frame = LoadTestFrames.Create(_sent);
        Volatile.Write(ref _sent, _sent + 1);
        return frame;
    }

    public void Receive(AudioFrame frame)
    {
        if (frame.Sequence != _next)
        {
            Volatile.Write(ref _outOfOrder, _outOfOrder + 1);
        }

        _next = frame.Sequence + 1;
        Volatile.Write(ref _received, _received + 1);
        if (_received == 1)
        {
            FirstReceived.TrySetResult();
        }

        // The sink is the frame's last owner: its pooled buffer goes back for the next frame the link reads.
        frame.Release();
    }
}
