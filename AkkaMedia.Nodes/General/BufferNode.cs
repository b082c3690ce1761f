namespace AkkaMedia.Nodes.General;

/// <summary>
/// Collects elements into batches: a batch is emitted when it holds <c>count</c> elements, or,
/// with <c>maxAge</c> set, when an element arrives and the oldest element in the batch has waited
/// <c>maxAge</c> or longer (the arriving element is included in that batch). At end of stream the
/// remainder, if any, is emitted as a shorter batch.
/// </summary>
/// <remarks>
/// <para>Age is measured with the wall clock of the given <see cref="TimeProvider"/> when each
/// element arrives; the node sets no timer, so a batch never leaves on its own while no element
/// arrives. Use the stream's <c>GroupedWithin</c> when a batch must leave on a timer.</para>
/// <para>Each batch is a new list owned by the receiver; elements keep their order. No batch is
/// empty and none holds more than <c>count</c> elements.</para>
/// <para>A pooled <see cref="Frames.AudioFrame"/> is retained while it waits in a batch: the batch's receiver owns
/// one reference to each frame in it.</para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class BufferNode<T> : Node<T, IReadOnlyList<T>>
{
    private readonly TimeProvider _time;
    private List<T> _batch;
    private long _oldestArrival;

    /// <summary>Creates a batching node.</summary>
    /// <param name="count">Elements per full batch; positive.</param>
    /// <param name="maxAge">Longest wait of the oldest element before its batch is emitted with the next arrival; positive, or null for batches by count only.</param>
    /// <param name="timeProvider">Clock for <paramref name="maxAge"/>; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or <paramref name="maxAge"/> is not positive.</exception>
    public BufferNode(int count, TimeSpan? maxAge = null, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (maxAge is { } age && age <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAge), age, "The maximum age must be positive.");
        }

        Count = count;
        MaxAge = maxAge;
        _time = timeProvider ?? TimeProvider.System;
        _batch = new List<T>(Math.Min(count, 1024));
    }

    /// <summary>Elements per full batch.</summary>
    public int Count { get; }

    /// <summary>The age at which a batch is emitted with the next arrival; null when batching by count only.</summary>
    public TimeSpan? MaxAge { get; }

    /// <inheritdoc />
    public override string Name => "BufferNode";

    /// <inheritdoc />
    public override void Process(T input, INodeOutput<IReadOnlyList<T>> output)
    {
        (input as Frames.AudioFrame)?.Retain();
        if (MaxAge is not { } maxAge)
        {
            _batch.Add(input);
        }
        else
        {
            var now = _time.GetTimestamp();
            if (_batch.Count == 0)
            {
                _oldestArrival = now;
            }

            _batch.Add(input);
            if (_batch.Count < Count && _time.GetElapsedTime(_oldestArrival, now) >= maxAge)
            {
                Flush(output);
                return;
            }
        }

        if (_batch.Count >= Count)
        {
            Flush(output);
        }
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<IReadOnlyList<T>> output)
    {
        if (_batch.Count > 0)
        {
            Flush(output);
        }
    }

    private void Flush(INodeOutput<IReadOnlyList<T>> output)
    {
        var batch = _batch;
        _batch = new List<T>(Math.Min(Count, 1024));
        output.Emit(batch);
    }
}
