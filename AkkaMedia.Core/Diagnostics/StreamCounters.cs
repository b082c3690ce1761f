namespace AkkaMedia.Diagnostics;

/// <summary>
/// Frames and payload bytes (<see cref="FrameBytes"/>) through one stream, in each direction. Written by the
/// stream (one writer per direction), read from any thread: by observable instruments at collection time and by
/// operator commands. The cost per element is two interlocked adds and a type test.
/// </summary>
internal sealed class StreamCounters
{
    private long _framesIn;
    private long _framesOut;
    private long _bytesIn;
    private long _bytesOut;

    public StreamCounters(StreamCounterSet.Group? group = null) => Group = group;

    /// <summary>The set and tags this stream is reported under; null when it is not reported.</summary>
    public StreamCounterSet.Group? Group { get; }

    public long FramesIn => Interlocked.Read(ref _framesIn);

    public long FramesOut => Interlocked.Read(ref _framesOut);

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public void CountIn(object? element)
    {
        Interlocked.Increment(ref _framesIn);
        var bytes = FrameBytes.Of(element);
        if (bytes != 0)
        {
            Interlocked.Add(ref _bytesIn, bytes);
        }
    }

    public void CountOut(object? element)
    {
        Interlocked.Increment(ref _framesOut);
        var bytes = FrameBytes.Of(element);
        if (bytes != 0)
        {
            Interlocked.Add(ref _bytesOut, bytes);
        }
    }

    public long Read(StreamCounter which) => which switch
    {
        StreamCounter.FramesIn => FramesIn,
        StreamCounter.FramesOut => FramesOut,
        StreamCounter.BytesIn => BytesIn,
        _ => BytesOut,
    };
}
