using AkkaMedia.Nodes;

namespace AkkaMedia.Benchmarks;

/// <summary>The simplest <see cref="INodeOutput{T}"/>: collects emitted elements in a list the caller drains.</summary>
internal sealed class ListOutput<T> : INodeOutput<T>
{
    public List<T> Items { get; } = new(capacity: 8);

    public void Emit(T element) => Items.Add(element);
}
