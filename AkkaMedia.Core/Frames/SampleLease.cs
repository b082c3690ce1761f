using System.Buffers;
using System.Diagnostics;

namespace AkkaMedia.Frames;

/// <summary>
/// A sample buffer rented from the frame pool, counted by the frames that hold it: what makes
/// <see cref="AudioFrame.Rent"/>, <see cref="AudioFrame.Retain"/> and <see cref="AudioFrame.Release"/> work.
/// </summary>
/// <remarks>
/// <para>The frames' <see cref="AudioFrame.Samples"/> are <see cref="Memory{T}"/> over this manager, not over the array,
/// so every view of a pooled buffer (the frame's own, a slice a node kept, a frame built over such a slice) reaches
/// the array through <see cref="GetSpan"/>. Once the count falls to zero the array goes back to the pool and
/// <see cref="GetSpan"/> throws <see cref="ObjectDisposedException"/>: a view kept past its release fails loudly
/// instead of reading another frame's samples. One lease object serves one rental; it is never reused.</para>
/// <para>Thread-safe: the count is changed with interlocked operations, so a buffer rented by a link's reader thread
/// can be released by a stage on another thread. Debug builds fill a released buffer with NaN before returning it,
/// so a span taken before the release and used after it shows up in any comparison.</para>
/// </remarks>
internal sealed class SampleLease : MemoryManager<float>
{
    /// <summary>
    /// Arrays kept per size: enough for every frame in flight on a busy executor (thousands of paced streams, a link
    /// window of 64 frames per channel at full speed) without letting a burst pin memory for good.
    /// </summary>
    private const int ArraysPerBucket = 4096;

    /// <summary>
    /// Largest buffer pooled, in samples (64 KB, 340 ms of 48 kHz mono): audio frames are far smaller. Larger rentals
    /// are plain allocations that the pool does not keep, so the pool never holds more than a few hundred megabytes
    /// even after a burst of the largest pooled size.
    /// </summary>
    private const int MaxPooledLength = 1 << 14;

    private static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(MaxPooledLength, ArraysPerBucket);

    private readonly int _length;
    private float[]? _array;
    private int _references = 1;

    private SampleLease(float[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>Rents <paramref name="length"/> samples (contents undefined) with one reference, held by the caller.</summary>
    public static SampleLease Rent(int length) => new(Pool.Rent(length), length);

    /// <summary>The lease behind <paramref name="samples"/>, when they view a pooled buffer.</summary>
    public static SampleLease? Of(ReadOnlyMemory<float> samples) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager(samples, out SampleLease? lease) ? lease : null;

    /// <summary>Adds a reference.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was already returned to the pool.</exception>
    public void Retain()
    {
        var current = Volatile.Read(ref _references);
        while (true)
        {
            if (current <= 0)
            {
                throw Released();
            }

            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Drops a reference; the last one returns the array to the pool.</summary>
    /// <exception cref="InvalidOperationException">More releases than references: a frame was released twice.</exception>
    public void Release()
    {
        var remaining = Interlocked.Decrement(ref _references);
        if (remaining > 0)
        {
            return;
        }

        if (remaining < 0)
        {
            throw new InvalidOperationException(
                "A pooled audio frame was released more often than it was held (Release called twice, or once without the Retain " +
                "that a kept or fanned-out frame needs). See AudioFrame's remarks on ownership.");
        }

        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            Poison(array);
            Pool.Return(array);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The buffer was returned to the pool.</exception>
    public override Span<float> GetSpan() => (_array ?? throw Released()).AsSpan(0, _length);

    /// <summary>Pins the array (a GC handle that the returned handle frees) and points at sample <paramref name="elementIndex"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was returned to the pool.</exception>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        return (_array ?? throw Released()).AsMemory(elementIndex).Pin();
    }

    /// <summary>Nothing to do: the handle returned by <see cref="Pin"/> releases its own pin.</summary>
    public override void Unpin()
    {
    }

    /// <summary>Nothing to do: the buffer goes back to the pool through <see cref="Release"/>, never through disposal.</summary>
    protected override void Dispose(bool disposing)
    {
    }

    [Conditional("DEBUG")]
    private static void Poison(float[] array) => array.AsSpan().Fill(float.NaN);

    private static ObjectDisposedException Released() => new(
        nameof(AudioFrame),
        "The samples of this pooled audio frame went back to the pool: the frame was released (by the stage it was handed to, " +
        "or by Release) while something still read it. A node that keeps a frame past Process, or a graph that hands one frame " +
        "to several branches, must call Retain() once per extra holder (and Release() when done), or copy the samples.");
}
