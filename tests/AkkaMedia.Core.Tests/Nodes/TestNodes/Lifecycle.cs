using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes.TestNodes;

/// <summary>Counts the lifecycle calls of one or more test nodes; safe to read from the test thread.</summary>
public sealed class Lifecycle
{
    private int _created;
    private int _initialized;
    private int _processed;
    private int _completed;
    private int _disposed;
    private NodeContext? _lastContext;

    public int Created => Volatile.Read(ref _created);

    public int Initialized => Volatile.Read(ref _initialized);

    public int Processed => Volatile.Read(ref _processed);

    public int Completed => Volatile.Read(ref _completed);

    public int Disposed => Volatile.Read(ref _disposed);

    /// <summary>The context handed to the most recent <c>Initialize</c>.</summary>
    public NodeContext? LastContext => Volatile.Read(ref _lastContext);

    public void OnCreated() => Interlocked.Increment(ref _created);

    public void OnInitialized(NodeContext context)
    {
        Volatile.Write(ref _lastContext, context);
        Interlocked.Increment(ref _initialized);
    }

    public void OnProcessed() => Interlocked.Increment(ref _processed);

    public void OnCompleted() => Interlocked.Increment(ref _completed);

    public void OnDisposed() => Interlocked.Increment(ref _disposed);
}
