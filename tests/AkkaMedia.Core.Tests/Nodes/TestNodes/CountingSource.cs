using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes.TestNodes;

/// <summary>
/// Produces 1..<c>count</c> (or forever when <c>count</c> is null), <c>perCall</c> elements per
/// <see cref="Produce"/>; optionally throws once <c>failAt</c> is reached.
/// </summary>
public sealed class CountingSource : SourceNode<int>
{
    private readonly int? _count;
    private readonly int _perCall;
    private readonly int? _failAt;
    private int _next = 1;
    private int _produceCalls;

    public CountingSource(int? count, int perCall = 1, int? failAt = null)
    {
        _count = count;
        _perCall = perCall;
        _failAt = failAt;
        Error = new InvalidOperationException("source broke");
    }

    public Lifecycle Lifecycle { get; } = new();

    public Exception Error { get; }

    public int ProduceCalls => Volatile.Read(ref _produceCalls);

    public override string Name => "Counter";

    public override void Initialize(NodeContext context) => Lifecycle.OnInitialized(context);

    public override bool Produce(INodeOutput<int> output)
    {
        Interlocked.Increment(ref _produceCalls);
        for (var i = 0; i < _perCall && (_count is null || _next <= _count); i++)
        {
            if (_next == _failAt)
            {
                throw Error;
            }

            output.Emit(_next++);
        }

        return _count is null || _next <= _count;
    }

    protected override void Dispose(bool disposing) => Lifecycle.OnDisposed();
}
