namespace AkkaMedia.Nodes.Tests.General;

/// <summary>Collects what a node emits when a spec drives it directly, without a stream.</summary>
public sealed class ListOutput<T> : INodeOutput<T>
{
    public List<T> Items { get; } = [];

    public void Emit(T element) => Items.Add(element);
}
