using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Video;

/// <summary>
/// Lowers the frame rate by dropping frames, judged by their timestamps: a frame is kept when it is
/// the first one to fall into a new slot of <c>1 / targetFramesPerSecond</c> seconds, counted from
/// the first frame of the stream. 30 → 15 fps keeps every other frame, 30 → 10 every third,
/// 30 → 20 two of every three. The rate is never raised: a slower input passes unchanged.
/// </summary>
/// <remarks>
/// <para>Kept frames are passed on as the same instances (timestamps and sequence numbers are not
/// rewritten). The first frame is always kept. A timestamp that goes backwards (a new clip spliced
/// in) restarts the slot count at that frame, which is kept. Timestamps within a thousandth of a
/// slot before a slot boundary count as on it, so tick rounding of <c>n / fps</c> timestamps never
/// drops a frame that is due. At end of stream nothing is buffered.</para>
/// </remarks>
public sealed class FrameRateNode : Node<VideoFrame, VideoFrame>
{
    private const double SlotTolerance = 1e-3;

    private readonly double _slotsPerTick;
    private TimeSpan _origin;
    private TimeSpan _previous;
    private long _lastSlot = -1;

    /// <summary>Creates a decimator to at most <paramref name="targetFramesPerSecond"/> frames per second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not a positive finite number.</exception>
    public FrameRateNode(double targetFramesPerSecond)
    {
        if (!double.IsFinite(targetFramesPerSecond) || targetFramesPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetFramesPerSecond), targetFramesPerSecond,
                "The target frame rate must be a positive, finite number of frames per second.");
        }

        TargetFramesPerSecond = targetFramesPerSecond;
        _slotsPerTick = targetFramesPerSecond / TimeSpan.TicksPerSecond;
    }

    /// <summary>The highest rate of emitted frames, in frames per second of media time.</summary>
    public double TargetFramesPerSecond { get; }

    /// <inheritdoc />
    public override void Process(VideoFrame input, INodeOutput<VideoFrame> output)
    {
        var previous = _previous;
        _previous = input.Timestamp;
        if (_lastSlot < 0 || input.Timestamp < previous)
        {
            _origin = input.Timestamp;
            _lastSlot = 0;
            output.Emit(input);
            return;
        }

        var slot = (long)Math.Floor(((input.Timestamp - _origin).Ticks * _slotsPerTick) + SlotTolerance);
        if (slot > _lastSlot)
        {
            _lastSlot = slot;
            output.Emit(input);
        }
    }
}
