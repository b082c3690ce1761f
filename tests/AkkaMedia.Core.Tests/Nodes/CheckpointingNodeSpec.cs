using System.Buffers;
using System.Buffers.Binary;
using Akka.Event;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;

namespace AkkaMedia.Core.Tests.Nodes;

/// <summary>
/// The executor's side of failover: checkpoints among a node's outputs at the policy's cadence, and a new node resumed
/// from one emitting what the first would have emitted.
/// </summary>
public sealed class CheckpointingNodeSpec
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    [Fact]
    public void A_checkpoint_must_follow_the_outputs_of_every_nth_input_with_the_counts_and_the_state_at_that_point()
    {
        var outputs = Run(new CheckpointingNode<int, int>(new RunningSum(), new CheckpointPolicy(3, Never)), Enumerable.Range(1, 7).Cast<object>());

        Assert.Equal(
            ["1", "3", "6", "CP 3/3 sum 6", "10", "15", "21", "CP 6/6 sum 21", "28"],
            outputs.Select(Describe));
    }

    [Fact]
    public void A_node_resumed_from_a_checkpoint_must_emit_what_the_checkpointed_node_emitted_after_it_with_the_counts_continued()
    {
        var first = Run(new CheckpointingNode<int, int>(new RunningSum(), new CheckpointPolicy(3, Never)), Enumerable.Range(1, 7).Cast<object>());
        var checkpoint = first.OfType<StageCheckpoint>().First();

        var resumed = Run(new CheckpointingNode<int, int>(new RunningSum(), new CheckpointPolicy(3, Never)), [checkpoint, .. Enumerable.Range(4, 4).Cast<object>()]);

        Assert.Equal(first.Skip(first.IndexOf(checkpoint) + 1).Select(Describe), resumed.Select(Describe));
    }

    [Fact]
    public void A_node_without_state_must_checkpoint_counts_only_and_refuse_a_checkpoint_that_carries_state()
    {
        var outputs = Run(new CheckpointingNode<int, int>(new Doubling(), new CheckpointPolicy(2, Never)), [1, 2, 3]);
        var checkpoint = Assert.Single(outputs.OfType<StageCheckpoint>());

        Assert.Equal((2L, 4L, 0), (checkpoint.Inputs, checkpoint.Outputs, checkpoint.State.Length));
        var error = Assert.Throws<InvalidDataException>(() => Run(new CheckpointingNode<int, int>(new Doubling(), new CheckpointPolicy(2, Never)), [checkpoint with { State = [1] }]));
        Assert.Contains("keeps no state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_after_the_first_input_must_be_refused()
    {
        var node = new CheckpointingNode<int, int>(new RunningSum(), new CheckpointPolicy(10, Never));

        var error = Assert.Throws<InvalidDataException>(() => Run(node, [1, new StageCheckpoint(0, 0, [])]));

        Assert.Contains("only open a session", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_interval_must_bring_a_checkpoint_before_the_input_count_does()
    {
        var outputs = Run(new CheckpointingNode<int, int>(new RunningSum(), new CheckpointPolicy(1000, TimeSpan.FromTicks(1))), [1, 2]);

        Assert.Equal(["1", "CP 1/1 sum 1", "3", "CP 2/2 sum 3"], outputs.Select(Describe));
    }

    private static List<object> Run(Node<object, object> node, IEnumerable<object> inputs)
    {
        var output = new Collect();
        node.Initialize(new NodeContext("spec", NoLogger.Instance, CancellationToken.None));
        foreach (var input in inputs)
        {
            node.Process(input, output);
        }

        node.Complete(output);
        node.Dispose();
        return output.Elements;
    }

    private static string Describe(object element) => element is StageCheckpoint c
        ? $"CP {c.Inputs}/{c.Outputs} sum {(c.State.Length == 0 ? "-" : BinaryPrimitives.ReadInt32LittleEndian(c.State))}"
        : element.ToString()!;

    private sealed class Collect : INodeOutput<object>
    {
        public List<object> Elements { get; } = [];

        public void Emit(object element) => Elements.Add(element);
    }

    /// <summary>Emits the sum of the inputs so far: every output depends on the whole past.</summary>
    private sealed class RunningSum : Node<int, int>, IStatefulNode
    {
        private int _sum;

        public override void Process(int input, INodeOutput<int> output) => output.Emit(_sum += input);

        public void SaveState(IBufferWriter<byte> destination)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination.GetSpan(4), _sum);
            destination.Advance(4);
        }

        public void RestoreState(ReadOnlySpan<byte> state) => _sum = BinaryPrimitives.ReadInt32LittleEndian(state);
    }

    /// <summary>Emits each input twice, doubled: two outputs per input, no state.</summary>
    private sealed class Doubling : Node<int, int>
    {
        public override void Process(int input, INodeOutput<int> output)
        {
            output.Emit(input * 2);
            output.Emit(input * 2);
        }
    }
}
