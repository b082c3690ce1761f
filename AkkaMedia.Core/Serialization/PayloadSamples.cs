using System.Buffers;
using System.Runtime.InteropServices;

namespace AkkaMedia.Serialization;

/// <summary>
/// The float samples of an <c>A1</c> payload seen in place, as <see cref="Memory{T}"/>: what lets
/// <see cref="FrameSerializer.FromBinary"/> return an <see cref="Frames.AudioFrame"/> without copying its samples out
/// of the array Akka handed it. Little-endian machines only (the wire order is the memory order there).
/// </summary>
/// <remarks>
/// The manager views <c>count</c> floats from byte <c>offset</c> of the array and keeps the array alive; it owns no
/// other resource, so disposing it does nothing. The array must not be written while the frame lives, which holds
/// for <see cref="FrameSerializer.FromBinary"/>: Akka gives the serializer an array of its own, and the frame takes
/// it over, as video, text and bytes frames already do.
/// </remarks>
internal sealed class PayloadSamples : MemoryManager<float>
{
    private readonly byte[] _bytes;
    private readonly int _offset;
    private readonly int _count;

    /// <summary>Views <paramref name="count"/> floats of <paramref name="bytes"/> from byte <paramref name="offset"/>; the caller has checked the bounds.</summary>
    public PayloadSamples(byte[] bytes, int offset, int count)
    {
        _bytes = bytes;
        _offset = offset;
        _count = count;
    }

    /// <inheritdoc />
    public override Span<float> GetSpan() => MemoryMarshal.Cast<byte, float>(_bytes.AsSpan(_offset, _count * sizeof(float)));

    /// <summary>Pins the array (a GC handle that the returned handle frees) and points at sample <paramref name="elementIndex"/>.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _count);
        return _bytes.AsMemory(_offset + (elementIndex * sizeof(float))).Pin();
    }

    /// <summary>Nothing to do: the handle returned by <see cref="Pin"/> releases its own pin.</summary>
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
    }
}
