using System.ComponentModel;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// Frames and payload bytes (<see cref="FrameBytes"/>) through one stream, in each direction. Written by the
/// stream (one writer per direction), read from any thread: by observable instruments at collection time and by
/// operator commands. The cost per element is two interlocked adds and a type test.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamCounters
{
    private long _framesIn;
    private long _framesOut;
    private long _bytesIn;
    private long _bytesOut;

    internal StreamCounters(StreamCounterSet.Group? group = null) => Group = group;

    /// <summary>The set and tags this stream is reported under; null when it is not reported.</summary>
    internal StreamCounterSet.Group? Group { get; }

    /// <summary>Elements counted in so far; read from any thread.</summary>
    public long FramesIn => Interlocked.Read(ref _framesIn);

    /// <summary>Elements counted out so far; read from any thread.</summary>
    public long FramesOut => Interlocked.Read(ref _framesOut);

    /// <summary>Payload bytes of the elements in (<see cref="FrameBytes"/>); read from any thread.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Payload bytes of the elements out (<see cref="FrameBytes"/>); read from any thread.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Counts one element in, with its payload bytes; called by one stream thread at a time, no allocation.</summary>
    public void CountIn(object? element)
    {
        Interlocked.Increment(ref _framesIn);
        var bytes = FrameBytes.Of(element);
        if (bytes != 0)
        {
            Interlocked.Add(ref _bytesIn, bytes);
        }
    }

    /// <summary>Counts one element out, with its payload bytes; called by one stream thread at a time, no allocation.</summary>
    public void CountOut(object? element)
    {
        Interlocked.Increment(ref _framesOut);
        var bytes = FrameBytes.Of(element);
        if (bytes != 0)
        {
            Interlocked.Add(ref _bytesOut, bytes);
        }
    }

    /// <summary>The current value of <paramref name="which"/>.</summary>
    public long Read(StreamCounter which) => which switch
    {
        StreamCounter.FramesIn => FramesIn,
        StreamCounter.FramesOut => FramesOut,
        StreamCounter.BytesIn => BytesIn,
        _ => BytesOut,
    };
}
