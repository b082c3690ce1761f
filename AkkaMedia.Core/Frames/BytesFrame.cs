namespace AkkaMedia.Frames;

/// <summary>
/// Opaque bytes in a stream: encoded media, a user type serialized by its session, a file chunk.
/// The frame owns <see cref="Data"/> and never changes it.
/// </summary>
public sealed class BytesFrame : IMediaFrame, IEquatable<BytesFrame>
{
    /// <summary>Creates a frame over <paramref name="data"/> without copying it.</summary>
    public BytesFrame(ReadOnlyMemory<byte> data, long sequence = 0, TimeSpan timestamp = default)
    {
        Data = data;
        Sequence = sequence;
        Timestamp = timestamp;
    }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <inheritdoc />
    public long Sequence { get; }

    /// <inheritdoc />
    public TimeSpan Timestamp { get; }

    /// <summary>Value equality: same sequence, timestamp and identical bytes.</summary>
    public bool Equals(BytesFrame? other) =>
        other is not null && Sequence == other.Sequence && Timestamp == other.Timestamp && Data.Span.SequenceEqual(other.Data.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as BytesFrame);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Sequence, Timestamp, Data.Length);

    /// <inheritdoc />
    public override string ToString() => $"BytesFrame(#{Sequence}, {Data.Length} bytes @ {Timestamp.TotalMilliseconds:0.###} ms)";
}
