namespace AkkaMedia.Nodes.General;

/// <summary>
/// Emits every element unchanged (the same instance), in order; buffers nothing. Useful as a
/// placeholder stage, a probe point, or to check a pipeline's wiring.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class PassThroughNode<T> : Node<T, T>
{
    /// <inheritdoc />
    public override string Name => "PassThroughNode";

    /// <inheritdoc />
    public override void Process(T input, INodeOutput<T> output) => output.Emit(input);
}
