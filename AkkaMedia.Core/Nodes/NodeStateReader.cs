using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AkkaMedia.Nodes;

/// <summary>
/// Reads what a <see cref="NodeStateWriter"/> wrote, in the same order, for <see cref="IStatefulNode.RestoreState"/>.
/// Every read checks the bytes left: truncated or trailing state throws <see cref="InvalidDataException"/> naming the
/// node, and no read allocates more than the state itself holds.
/// </summary>
public ref struct NodeStateReader
{
    private readonly string _nodeName;
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads <paramref name="state"/>, saved by the node named <paramref name="nodeName"/> (used in errors).</summary>
    public NodeStateReader(ReadOnlySpan<byte> state, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        _remaining = state;
        _nodeName = nodeName;
    }

    /// <summary>Reads the format version and refuses any other than <paramref name="expected"/>.</summary>
    /// <exception cref="InvalidDataException">The state is empty or of another version.</exception>
    public void ReadVersion(byte expected)
    {
        var version = ReadByte();
        if (version != expected)
        {
            throw Invalid($"it has format version {version}, and this build reads version {expected}");
        }
    }

    /// <summary>Reads one byte.</summary>
    public byte ReadByte() => Take(1)[0];

    /// <summary>Reads a boolean written as 0 or 1.</summary>
    public bool ReadBoolean() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw Invalid($"a flag holds {other}, not 0 or 1"),
    };

    /// <summary>Reads a 32-bit integer.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    /// <summary>Reads a 64-bit integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    /// <summary>Reads a 64-bit float.</summary>
    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Reads a time span written as its ticks.</summary>
    public TimeSpan ReadTimeSpan() => TimeSpan.FromTicks(ReadInt64());

    /// <summary>Reads a count and that many floats into a new array.</summary>
    /// <exception cref="InvalidDataException">The count is negative or more than the bytes left hold.</exception>
    public float[] ReadFloats()
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * sizeof(float) > _remaining.Length)
        {
            throw Invalid($"it announces {count} samples where {_remaining.Length / sizeof(float)} are left");
        }

        var bytes = Take(count * sizeof(float));
        var values = new float[count];
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            }
        }

        return values;
    }

    /// <summary>Checks that the whole state was read.</summary>
    /// <exception cref="InvalidDataException">Bytes are left over.</exception>
    public readonly void ReadEnd()
    {
        if (!_remaining.IsEmpty)
        {
            throw Invalid($"{_remaining.Length} bytes are left over after the last field");
        }
    }

    /// <summary>An error about this state, saying <paramref name="what"/> is wrong with it, for the node's own checks.</summary>
    public readonly InvalidDataException Invalid(string what) =>
        new($"The saved state of node '{_nodeName}' cannot be restored: {what}.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_remaining.Length < count)
        {
            throw Invalid($"it is truncated ({count} more bytes expected, {_remaining.Length} left)");
        }

        var taken = _remaining[..count];
        _remaining = _remaining[count..];
        return taken;
    }
}
