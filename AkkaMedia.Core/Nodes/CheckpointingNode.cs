using System.Buffers;
using Akka;
using Akka.Streams.Dsl;
using System.Diagnostics;
using AkkaMedia.Protocol;

namespace AkkaMedia.Nodes;

/// <summary>
/// Runs a node for an executor's session with failover: counts the node's inputs and outputs, and after the input a
/// <see cref="CheckpointPolicy"/> calls for, emits a <see cref="StageCheckpoint"/> behind that input's outputs (what
/// <see cref="IStatefulNode.SaveState"/> wrote; nothing for a node without state). A <see cref="StageCheckpoint"/> as the
/// first input resumes the node: its state is restored and its counts continue from the checkpoint's.
/// </summary>
/// <remarks>
/// Untyped on both sides, so that checkpoints travel among the outputs; the node's own inputs are cast to
/// <typeparamref name="TIn"/>. Buffers follow the node's rule: the stage lends the input to the wrapped node, and an output
/// the node emits goes downstream as it is (emitting the input still hands it on).
/// </remarks>
internal sealed class CheckpointingNode<TIn, TOut>(Node<TIn, TOut> node, CheckpointPolicy policy) : Node<object, object>, INodeOutput<TOut>
{
    private readonly long _intervalTicks = (long)(policy.Interval.TotalSeconds * Stopwatch.Frequency);
    private readonly ArrayBufferWriter<byte> _state = new();
    private INodeOutput<object>? _output;
    private long _inputs;
    private long _outputs;
    private int _sinceCheckpoint;
    private long _lastCheckpoint;

    public override string Name => node.Name;

    /// <summary>
    /// The untyped flow of a session with failover: a new node from <paramref name="create"/> per materialization, run
    /// behind this adapter under <paramref name="name"/>. For registered and shipped nodes alike.
    /// </summary>
    public static Flow<object, object, NotUsed> Flow(Func<Node<TIn, TOut>> create, CheckpointPolicy policy, string name) =>
        Akka.Streams.Dsl.Flow.FromGraph(new NodeStage<object, object>(() => new CheckpointingNode<TIn, TOut>(create(), policy), name));

    public override void Initialize(NodeContext context)
    {
        node.Initialize(context);
        _lastCheckpoint = Stopwatch.GetTimestamp();
    }

    public override void Process(object input, INodeOutput<object> output)
    {
        if (input is StageCheckpoint checkpoint)
        {
            Resume(checkpoint);
            return;
        }

        _output = output;
        node.Process((TIn)input, this);
        _inputs++;
        var now = Stopwatch.GetTimestamp();
        if (++_sinceCheckpoint >= policy.EveryInputs || now - _lastCheckpoint >= _intervalTicks)
        {
            _sinceCheckpoint = 0;
            _lastCheckpoint = now;
            output.Emit(Save());
        }
    }

    public override void Complete(INodeOutput<object> output)
    {
        _output = output;
        node.Complete(this);
    }

    void INodeOutput<TOut>.Emit(TOut element)
    {
        _outputs++;
        _output!.Emit(element!);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            node.Dispose();
        }
    }

    private StageCheckpoint Save()
    {
        if (node is not IStatefulNode stateful)
        {
            return new StageCheckpoint(_inputs, _outputs, []);
        }

        _state.ResetWrittenCount();
        stateful.SaveState(_state);
        return new StageCheckpoint(_inputs, _outputs, _state.WrittenSpan.ToArray());
    }

    private void Resume(StageCheckpoint checkpoint)
    {
        if (_inputs != 0 || _outputs != 0)
        {
            throw new InvalidDataException($"A checkpoint may only open a session; node '{node.Name}' had already consumed {_inputs} inputs.");
        }

        if (checkpoint.State.Length > 0)
        {
            if (node is not IStatefulNode stateful)
            {
                throw new InvalidDataException($"Node '{node.Name}' keeps no state, but its checkpoint carries {checkpoint.State.Length} bytes of it.");
            }

            stateful.RestoreState(checkpoint.State);
        }

        _inputs = checkpoint.Inputs;
        _outputs = checkpoint.Outputs;
    }
}
