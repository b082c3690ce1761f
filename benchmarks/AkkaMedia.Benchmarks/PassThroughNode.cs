using AkkaMedia.Nodes;

namespace AkkaMedia.Benchmarks;

/// <summary>Emits every input unchanged: a node that costs nothing, so only the stage is measured.</summary>
internal sealed class PassThroughNode : Node<int, int>
{
    public override void Process(int input, INodeOutput<int> output) => output.Emit(input);
}
