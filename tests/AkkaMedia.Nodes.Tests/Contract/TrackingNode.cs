using AkkaMedia.Nodes;

namespace AkkaMedia.Nodes.Tests.Contract;

/// <summary>Wraps a node and counts its lifecycle calls, so contract specs can check the pairing.</summary>
public sealed class TrackingNode<TIn, TOut> : Node<TIn, TOut>
{
    private readonly Node<TIn, TOut> _inner;
    private int _initialized;
    private int _disposed;
    private int _completed;

    public TrackingNode(Node<TIn, TOut> inner) => _inner = inner;

    public override string Name => _inner.Name;

    public int Initialized => Volatile.Read(ref _initialized);

    public int Disposed => Volatile.Read(ref _disposed);

    public int Completed => Volatile.Read(ref _completed);

    public override void Initialize(NodeContext context)
    {
        Interlocked.Increment(ref _initialized);
        _inner.Initialize(context);
    }

    public override void Process(TIn input, INodeOutput<TOut> output) => _inner.Process(input, output);

    public override void Complete(INodeOutput<TOut> output)
    {
        Interlocked.Increment(ref _completed);
        _inner.Complete(output);
    }

    protected override void Dispose(bool disposing)
    {
        Interlocked.Increment(ref _disposed);
        _inner.Dispose();
    }
}
