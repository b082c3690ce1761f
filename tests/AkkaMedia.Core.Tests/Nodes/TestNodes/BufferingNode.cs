using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes.TestNodes;

/// <summary>
/// Collects inputs into batches of <c>batchSize</c>; at end of stream flushes what is left as batches of
/// at most <c>flushSize</c>, so a flush can emit several outputs at once.
/// </summary>
public sealed class BufferingNode : Node<int, int[]>
{
    private readonly int _batchSize;
    private readonly int _flushSize;
    private readonly List<int> _buffer = [];

    public BufferingNode(int batchSize, int flushSize, Lifecycle? lifecycle = null)
    {
        _batchSize = batchSize;
        _flushSize = flushSize;
        Lifecycle = lifecycle ?? new Lifecycle();
    }

    public Lifecycle Lifecycle { get; }

    public override void Initialize(NodeContext context) => Lifecycle.OnInitialized(context);

    public override void Process(int input, INodeOutput<int[]> output)
    {
        Lifecycle.OnProcessed();
        _buffer.Add(input);
        if (_buffer.Count == _batchSize)
        {
            output.Emit([.. _buffer]);
            _buffer.Clear();
        }
    }

    public override void Complete(INodeOutput<int[]> output)
    {
        Lifecycle.OnCompleted();
        foreach (var chunk in _buffer.Chunk(_flushSize))
        {
            output.Emit(chunk);
        }

        _buffer.Clear();
    }

    protected override void Dispose(bool disposing) => Lifecycle.OnDisposed();
}
