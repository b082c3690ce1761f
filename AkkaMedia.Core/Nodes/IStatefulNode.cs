using System.Buffers;

namespace AkkaMedia.Nodes;

/// <summary>
/// A node whose state can be saved and restored: what lets a stream resume on another executor, from a checkpoint,
/// with the output it would have had without the interruption.
/// </summary>
/// <remarks>
/// <para><see cref="SaveState"/> is called between two <c>Process</c> calls (never concurrently with one), after
/// <c>Initialize</c>. It writes everything the node's future outputs depend on apart from its constructor settings:
/// buffered samples, counters, formats fixed by the first frame, filter histories.</para>
/// <para><see cref="RestoreState"/> is called on a new instance built with the same settings, after
/// <c>Initialize</c> and before its first <c>Process</c>. From then on the node must emit exactly what the saved
/// instance would have emitted for the same inputs: the same frames, sample for sample, with the same sequence
/// numbers and timestamps. A node that cannot promise this must not implement the interface.</para>
/// <para>The bytes belong to the node: the runtime stores and ships them unchanged. Start them with a format version
/// (<see cref="NodeStateWriter.WriteVersion"/>), so a later build can read or refuse older state. State that is
/// truncated, of another version, or saved by a node with other settings (another delay, frame size, rate) is
/// refused with <see cref="InvalidDataException"/> saying what differs; the node is then unchanged.</para>
/// </remarks>
public interface IStatefulNode
{
    /// <summary>Appends the node's state to <paramref name="destination"/>; the node is unchanged.</summary>
    void SaveState(IBufferWriter<byte> destination);

    /// <summary>Replaces the node's state by <paramref name="state"/>, which an instance with the same settings saved.</summary>
    /// <exception cref="InvalidDataException">The state is corrupt, of another version, or from a node with other settings.</exception>
    void RestoreState(ReadOnlySpan<byte> state);
}
