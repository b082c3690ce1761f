namespace AkkaMedia.Nodes.General;

/// <summary>
/// Applies a function to every element and emits its result, one output per input, in order.
/// </summary>
/// <remarks>
/// The function runs on the stream's thread, one element at a time. An exception it throws fails
/// the stream with a <see cref="NodeException"/> naming this node. A null result also fails the
/// stream (streams carry no nulls). Nothing is buffered at end of stream.
/// </remarks>
/// <typeparam name="TIn">Element type consumed.</typeparam>
/// <typeparam name="TOut">Element type emitted.</typeparam>
public sealed class TransformNode<TIn, TOut> : Node<TIn, TOut>
{
    private readonly Func<TIn, TOut> _transform;
    private readonly string _name;

    /// <summary>Creates a node that applies <paramref name="transform"/>.</summary>
    /// <param name="transform">The function; called once per element.</param>
    /// <param name="name">Name in logs and error messages; <c>TransformNode</c> by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transform"/> is null.</exception>
    public TransformNode(Func<TIn, TOut> transform, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        _transform = transform;
        _name = string.IsNullOrWhiteSpace(name) ? "TransformNode" : name;
    }

    /// <inheritdoc />
    public override string Name => _name;

    /// <inheritdoc />
    public override void Process(TIn input, INodeOutput<TOut> output)
    {
        var result = _transform(input) ?? throw new InvalidOperationException("The transform returned null; a stream cannot carry null elements.");
        output.Emit(result);
    }
}
