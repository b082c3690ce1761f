using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes.TestNodes;

/// <summary>Passes inputs through and throws <see cref="Error"/> in the chosen phase.</summary>
public sealed class ThrowingNode : Node<int, int>
{
    private readonly Phase _phase;
    private readonly int _failOnInput;

    public ThrowingNode(Phase phase, int failOnInput = int.MinValue, Lifecycle? lifecycle = null)
    {
        _phase = phase;
        _failOnInput = failOnInput;
        Lifecycle = lifecycle ?? new Lifecycle();
        Error = new InvalidOperationException($"deliberate failure in {phase}");
    }

    public enum Phase
    {
        Initialize,
        Process,
        Complete,
        Dispose,
    }

    public Exception Error { get; }

    public Lifecycle Lifecycle { get; }

    public override string Name => "Thrower";

    public override void Initialize(NodeContext context)
    {
        Lifecycle.OnInitialized(context);
        if (_phase == Phase.Initialize)
        {
            throw Error;
        }
    }

    public override void Process(int input, INodeOutput<int> output)
    {
        Lifecycle.OnProcessed();
        if (_phase == Phase.Process && input == _failOnInput)
        {
            throw Error;
        }

        output.Emit(input);
    }

    public override void Complete(INodeOutput<int> output)
    {
        Lifecycle.OnCompleted();
        if (_phase == Phase.Complete)
        {
            throw Error;
        }
    }

    protected override void Dispose(bool disposing)
    {
        Lifecycle.OnDisposed();
        if (_phase == Phase.Dispose)
        {
            throw Error;
        }
    }
}
