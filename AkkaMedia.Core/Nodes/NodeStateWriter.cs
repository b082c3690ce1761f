using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AkkaMedia.Nodes;

/// <summary>
/// Writes a node's state for <see cref="IStatefulNode.SaveState"/>: fixed-size little-endian values and
/// length-prefixed float arrays, appended to the buffer writer given. <see cref="NodeStateReader"/> reads them back in
/// the same order.
/// </summary>
public readonly ref struct NodeStateWriter
{
    private readonly IBufferWriter<byte> _destination;

    /// <summary>Appends to <paramref name="destination"/>.</summary>
    public NodeStateWriter(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
    }

    /// <summary>The state's format version, written first, read by <see cref="NodeStateReader.ReadVersion"/>.</summary>
    public void WriteVersion(byte version) => WriteByte(version);

    /// <summary>Appends one byte.</summary>
    public void WriteByte(byte value)
    {
        _destination.GetSpan(1)[0] = value;
        _destination.Advance(1);
    }

    /// <summary>Appends a boolean as one byte, 0 or 1.</summary>
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Appends a 32-bit integer.</summary>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_destination.GetSpan(sizeof(int)), value);
        _destination.Advance(sizeof(int));
    }

    /// <summary>Appends a 64-bit integer.</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_destination.GetSpan(sizeof(long)), value);
        _destination.Advance(sizeof(long));
    }

    /// <summary>Appends a 64-bit float, bit for bit.</summary>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Appends a time span as its ticks.</summary>
    public void WriteTimeSpan(TimeSpan value) => WriteInt64(value.Ticks);

    /// <summary>Appends the count of <paramref name="values"/> and the values, bit for bit.</summary>
    public void WriteFloats(ReadOnlySpan<float> values)
    {
        WriteInt32(values.Length);
        var bytes = values.Length * sizeof(float);
        var target = _destination.GetSpan(bytes);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(target[(i * sizeof(float))..], values[i]);
            }
        }

        _destination.Advance(bytes);
    }
}
