namespace AkkaMedia.Nodes;

/// <summary>
/// Where a node puts its outputs. Valid only during the call that received it
/// (<see cref="Node{TIn,TOut}.Process"/> or <see cref="Node{TIn,TOut}.Complete"/>); do not keep it.
/// </summary>
/// <typeparam name="T">Element type of the node's output.</typeparam>
public interface INodeOutput<in T>
{
    /// <summary>
    /// Emits one element downstream, in order. Ownership of <paramref name="element"/> passes to the
    /// pipeline: the node must not change it afterwards. Emitting more elements than downstream asked
    /// for is allowed; they wait inside the stage, up to <c>akka-media.node.max-pending-outputs</c>.
    /// </summary>
    void Emit(T element);
}
