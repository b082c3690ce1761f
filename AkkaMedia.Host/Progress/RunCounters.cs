using System.Diagnostics;
using AkkaMedia.Frames;

namespace AkkaMedia.Host.Progress;

/// <summary>
/// Counts what leaves a running pipeline, from the stream's thread, for a display that reads it from another.
/// Media time is the sum of audio frame durations, or for video the end of the latest frame (its timestamp plus
/// one frame period, estimated from its timestamp and sequence number).
/// </summary>
internal sealed class RunCounters
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _elements;
    private long _audioTicks;
    private long _videoTicks;

    /// <summary>Counts one element that left the pipeline.</summary>
    public void Record(object element)
    {
        Interlocked.Increment(ref _elements);
        switch (element)
        {
            case AudioFrame audio:
                Interlocked.Add(ref _audioTicks, audio.Duration.Ticks);
                break;
            case VideoFrame { Sequence: > 0 } video:
                var end = video.Timestamp.Ticks + (video.Timestamp.Ticks / video.Sequence);
                long seen;
                while (end > (seen = Interlocked.Read(ref _videoTicks)) && Interlocked.CompareExchange(ref _videoTicks, end, seen) != seen)
                {
                }

                break;
        }
    }

    /// <summary>The counts now.</summary>
    public RunSnapshot Snapshot()
    {
        var audio = Interlocked.Read(ref _audioTicks);
        return new RunSnapshot(
            Interlocked.Read(ref _elements),
            TimeSpan.FromTicks(audio > 0 ? audio : Interlocked.Read(ref _videoTicks)),
            Stopwatch.GetElapsedTime(_started));
    }
}
