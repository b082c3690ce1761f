namespace AkkaMedia.Nodes;

/// <summary>
/// The start of a pipeline: produces elements of <typeparamref name="TOut"/> when downstream asks
/// (a tone generator, a file reader, a test pattern).
/// </summary>
/// <remarks>
/// Lifecycle, driven by <see cref="SourceStage{TOut}"/>: <see cref="Initialize"/> once;
/// <see cref="Produce"/> each time downstream wants more and nothing is queued; <see cref="Dispose()"/>
/// exactly once when the stage stops for any reason. Exceptions fail the stream with a
/// <see cref="NodeException"/> naming the source.
/// </remarks>
/// <typeparam name="TOut">Element type produced.</typeparam>
public abstract class SourceNode<TOut> : IDisposable
{
    /// <summary>The name used in stage names, logs and error messages; the class name by default.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Opens resources (files, devices) before the first element. Default: nothing.</summary>
    public virtual void Initialize(NodeContext context)
    {
    }

    /// <summary>
    /// Emits the next element(s) through <paramref name="output"/>. Returns false when the source is
    /// exhausted (elements emitted in the same call are still delivered, then the stream completes).
    /// A call that returns true must emit at least one element.
    /// </summary>
    public abstract bool Produce(INodeOutput<TOut> output);

    /// <summary>Releases resources. Called exactly once per initialized source.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Override to release resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
