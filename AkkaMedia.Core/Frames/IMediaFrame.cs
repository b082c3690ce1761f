namespace AkkaMedia.Frames;

/// <summary>
/// An element that flows through an AkkaMedia pipeline. Frames are immutable once constructed:
/// a node that changes samples or pixels emits a new frame and never writes into the buffer of the
/// frame it received.
/// </summary>
public interface IMediaFrame
{
    /// <summary>Position of the frame in its stream, assigned by the producer; monotonically increasing per stream.</summary>
    long Sequence { get; }

    /// <summary>Media time of the first sample or of the picture, relative to the start of the stream.</summary>
    TimeSpan Timestamp { get; }
}
