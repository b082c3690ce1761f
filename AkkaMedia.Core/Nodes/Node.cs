namespace AkkaMedia.Nodes;

/// <summary>
/// A processing step of a pipeline: takes elements of <typeparamref name="TIn"/> one at a time and
/// emits zero or more elements of <typeparamref name="TOut"/> for each (a node may pass through,
/// transform, split, buffer, drop or generate).
/// </summary>
/// <remarks>
/// <para>Lifecycle, driven by <see cref="NodeStage{TIn,TOut}"/>: <see cref="Initialize"/> once before
/// the first element; <see cref="Process"/> for each element, never concurrently; <see cref="Complete"/>
/// once when upstream finishes normally (flush what is buffered); <see cref="Dispose()"/> exactly once
/// when the stage stops for any reason (completion, failure, cancellation), provided
/// <see cref="Initialize"/> was called.</para>
/// <para>A node is a plain class: it needs no actor and no Akka type, which is what lets it be shipped
/// to an executor. One instance serves one materialization; settings are validated in the constructor
/// and throw <see cref="ArgumentOutOfRangeException"/> naming the parameter.</para>
/// <para>An exception thrown from any member fails the stream with a <see cref="NodeException"/> naming the node.</para>
/// <para>Buffers: the input of <see cref="Process"/> is lent to the node for the call. An <see cref="Frames.AudioFrame"/>
/// may be pooled (every frame the media link delivers is): emitting it hands it on; otherwise its buffer goes back
/// to the pool when <see cref="Process"/> returns. A node that keeps a frame, or a view of its samples, past the
/// call calls <see cref="Frames.AudioFrame.Retain"/> and later <see cref="Frames.AudioFrame.Release"/> (or copies the
/// samples); reading a released frame throws <see cref="ObjectDisposedException"/>. A node that makes its output
/// with <see cref="Frames.AudioFrame.Rent"/> owns it until it emits it.</para>
/// </remarks>
/// <typeparam name="TIn">Element type the node consumes.</typeparam>
/// <typeparam name="TOut">Element type the node emits.</typeparam>
public abstract class Node<TIn, TOut> : IDisposable
{
    /// <summary>The name used in stage names, logs and error messages; the class name by default.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Prepares resources before the first element. Default: nothing.</summary>
    public virtual void Initialize(NodeContext context)
    {
    }

    /// <summary>Handles one element; emits any number of outputs through <paramref name="output"/>.</summary>
    public abstract void Process(TIn input, INodeOutput<TOut> output);

    /// <summary>Upstream finished normally: emit whatever is still buffered. Default: nothing.</summary>
    public virtual void Complete(INodeOutput<TOut> output)
    {
    }

    /// <summary>Releases resources. Called exactly once per initialized node, whatever way the stream ended.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Override to release resources; <paramref name="disposing"/> is true when called from <see cref="Dispose()"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
