using System.Reflection;
using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions;

/// <summary>Turns a deserialized user node (of a type the executor only knows through its load context) into the untyped flow a session runs.</summary>
internal static class ShippedNodeFlow
{
    private static readonly MethodInfo TypedMethod = typeof(ShippedNodeFlow).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// A flow whose stage takes the node out of <paramref name="holder"/> when it starts (the stage then
    /// owns it and disposes it when it stops), so nothing but the running stage references it.
    /// </summary>
    /// <param name="holder">The deserialized node.</param>
    /// <param name="checkpoints">
    /// For a session with failover: the node runs checkpointed (<see cref="StageCheckpoint"/> elements among its outputs,
    /// resumed from one given as its first input), as a registered node does; null to run it as it is.
    /// </param>
    /// <exception cref="CodeRejectedException">The object is not a <c>Node&lt;TIn,TOut&gt;</c>.</exception>
    public static (Flow<object, object, NotUsed> Flow, string Name) Create(ObjectHolder holder, CheckpointPolicy? checkpoints = null)
    {
        var node = holder.Value ?? throw new CodeRejectedException("The shipped node is gone.");
        var type = node.GetType();
        var nodeBase = type;
        while (nodeBase is not null && !(nodeBase.IsGenericType && nodeBase.GetGenericTypeDefinition() == typeof(Node<,>)))
        {
            nodeBase = nodeBase.BaseType;
        }

        if (nodeBase is null)
        {
            throw new CodeRejectedException($"The shipped object {type.FullName} is not a Node<TIn,TOut>.");
        }

        var name = (string?)nodeBase.GetProperty(nameof(Node<int, int>.Name))!.GetValue(node) ?? type.Name;
        var flow = (Flow<object, object, NotUsed>)TypedMethod.MakeGenericMethod(nodeBase.GetGenericArguments()).Invoke(null, [holder, name, checkpoints])!;
        return (flow, name);
    }

    private static Flow<object, object, NotUsed> Typed<TIn, TOut>(ObjectHolder holder, string name, CheckpointPolicy? checkpoints) =>
        checkpoints is null
            ? Flow.Create<object>()
                .Select(static o => (TIn)o)
                .Via(new NodeStage<TIn, TOut>(() => (Node<TIn, TOut>)holder.Take(), name))
                .Select(static o => (object)o!)
            : CheckpointingNode<TIn, TOut>.Flow(() => (Node<TIn, TOut>)holder.Take(), checkpoints, name);
}
