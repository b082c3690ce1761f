using AkkaMedia.Frames;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// The inputs a remote stage with failover has sent and its executor has not yet covered by a checkpoint, in order:
/// entry <c>i</c> is input number <see cref="FirstIndex"/> + <c>i</c> of the stream. A ring of fixed capacity; not
/// thread-safe (the stage's thread only).
/// </summary>
/// <remarks>
/// Holds a reference of its own to each pooled audio frame it keeps (<see cref="AudioFrame.Retain"/> on
/// <see cref="Add"/>), released when a checkpoint covers the frame or the buffer is cleared: the link may release the
/// sender's reference once the frame is written, and the replay still reads the samples.
/// </remarks>
internal sealed class ReplayBuffer
{
    private readonly object?[] _items;
    private int _head;

    /// <summary>A buffer for <paramref name="capacity"/> inputs at most.</summary>
    public ReplayBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _items = new object?[capacity];
    }

    /// <summary>How many inputs the buffer holds.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the buffer holds as many inputs as it can: the stage must wait for a checkpoint.</summary>
    public bool IsFull => Count == _items.Length;

    /// <summary>The stream index of the first input held: the input count of the last checkpoint applied.</summary>
    public long FirstIndex { get; private set; }

    /// <summary>Input <paramref name="offset"/> of those held (0 is <see cref="FirstIndex"/>).</summary>
    public object this[int offset] => (uint)offset < (uint)Count
        ? _items[(_head + offset) % _items.Length]!
        : throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The replay buffer holds {Count} inputs.");

    /// <summary>Keeps the next input of the stream (taking a reference of its own to a pooled frame).</summary>
    /// <exception cref="InvalidOperationException">The buffer is full.</exception>
    public void Add(object element)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"The replay buffer already holds {Count} inputs; the stage must wait for a checkpoint.");
        }

        (element as AudioFrame)?.Retain();
        _items[(_head + Count) % _items.Length] = element;
        Count++;
    }

    /// <summary>
    /// A checkpoint covers the inputs before stream index <paramref name="inputs"/>: drops them and returns how many
    /// were dropped (none when the checkpoint is older than what the buffer holds).
    /// </summary>
    /// <exception cref="InvalidDataException"><paramref name="inputs"/> is beyond the inputs sent.</exception>
    public int Acknowledge(long inputs)
    {
        if (inputs > FirstIndex + Count)
        {
            throw new InvalidDataException($"A checkpoint covers {inputs} inputs, but only {FirstIndex + Count} were sent.");
        }

        var dropped = (int)Math.Max(0, inputs - FirstIndex);
        for (var i = 0; i < dropped; i++)
        {
            Drop();
        }

        return dropped;
    }

    /// <summary>Releases every input held; the buffer is then empty.</summary>
    public void Clear()
    {
        while (Count > 0)
        {
            Drop();
        }
    }

    private void Drop()
    {
        (_items[_head] as AudioFrame)?.Release();
        _items[_head] = null;
        _head = (_head + 1) % _items.Length;
        Count--;
        FirstIndex++;
    }
}
