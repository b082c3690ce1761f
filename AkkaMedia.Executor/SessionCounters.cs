namespace AkkaMedia.Executor;

/// <summary>
/// Elements that entered and left one session's node (heartbeats excluded), written by the session's stream
/// and read by its executor from another thread.
/// </summary>
internal sealed class SessionCounters
{
    private long _framesIn;
    private long _framesOut;

    public long FramesIn => Interlocked.Read(ref _framesIn);

    public long FramesOut => Interlocked.Read(ref _framesOut);

    public void CountIn() => Interlocked.Increment(ref _framesIn);

    public void CountOut() => Interlocked.Increment(ref _framesOut);
}
