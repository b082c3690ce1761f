using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes.TestNodes;

/// <summary>
/// Emits <c>outputsPerInput(x)</c> elements for input <c>x</c>: <c>x * 100 + 0</c>, <c>x * 100 + 1</c>, ...
/// so every output says which input and which position it came from.
/// </summary>
public sealed class CountingNode : Node<int, int>
{
    private readonly Func<int, int> _outputsPerInput;
    private readonly Lifecycle _lifecycle;

    public CountingNode(Func<int, int> outputsPerInput, Lifecycle? lifecycle = null)
    {
        _outputsPerInput = outputsPerInput;
        _lifecycle = lifecycle ?? new Lifecycle();
        _lifecycle.OnCreated();
    }

    /// <summary>0, 1 or 3 outputs depending on the input modulo 3.</summary>
    public static int ZeroOneOrThree(int input) => (input % 3) switch
    {
        0 => 0,
        1 => 1,
        _ => 3,
    };

    public Lifecycle Lifecycle => _lifecycle;

    public override void Initialize(NodeContext context) => _lifecycle.OnInitialized(context);

    public override void Process(int input, INodeOutput<int> output)
    {
        _lifecycle.OnProcessed();
        var count = _outputsPerInput(input);
        for (var i = 0; i < count; i++)
        {
            output.Emit((input * 100) + i);
        }
    }

    public override void Complete(INodeOutput<int> output) => _lifecycle.OnCompleted();

    protected override void Dispose(bool disposing) => _lifecycle.OnDisposed();
}
