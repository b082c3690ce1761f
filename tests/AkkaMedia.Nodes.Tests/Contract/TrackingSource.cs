namespace AkkaMedia.Nodes.Tests.Contract;

/// <summary>Wraps a source node and counts its lifecycle calls, so contract specs can check the pairing.</summary>
public sealed class TrackingSource<TOut> : SourceNode<TOut>
{
    private readonly SourceNode<TOut> _inner;
    private int _initialized;
    private int _disposed;
    private int _produced;

    public TrackingSource(SourceNode<TOut> inner) => _inner = inner;

    public override string Name => _inner.Name;

    public int Initialized => Volatile.Read(ref _initialized);

    public int Disposed => Volatile.Read(ref _disposed);

    public int Produced => Volatile.Read(ref _produced);

    public override void Initialize(NodeContext context)
    {
        Interlocked.Increment(ref _initialized);
        _inner.Initialize(context);
    }

    public override bool Produce(INodeOutput<TOut> output)
    {
        Interlocked.Increment(ref _produced);
        return _inner.Produce(output);
    }

    protected override void Dispose(bool disposing)
    {
        Interlocked.Increment(ref _disposed);
        _inner.Dispose();
    }
}
