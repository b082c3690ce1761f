using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes.TestNodes;

/// <summary>A node whose <c>Process</c> and <c>Complete</c> are the delegates given.</summary>
public sealed class DelegateNode<TIn, TOut>(Action<TIn, INodeOutput<TOut>> process, Action<INodeOutput<TOut>>? complete = null)
    : Node<TIn, TOut>
{
    public override void Process(TIn input, INodeOutput<TOut> output) => process(input, output);

    public override void Complete(INodeOutput<TOut> output) => complete?.Invoke(output);
}
