using System.ComponentModel;

namespace AkkaMedia.Protocol;

/// <summary>
/// A point from which a remote stage with failover can resume: its node had consumed <paramref name="Inputs"/>
/// elements and emitted <paramref name="Outputs"/> when it saved <paramref name="State"/>. The executor sends one on the
/// session's channel after the outputs it counts (so the client holds every output it counts when it reads it); the
/// client keeps the latest, drops the inputs it covers from its replay buffer, and after a failover sends it first on
/// the new session's channel, before the inputs it replays. Never reaches user code.
/// </summary>
/// <param name="Inputs">Elements the node had consumed; the next input the node needs is the one at this index.</param>
/// <param name="Outputs">Elements the node had emitted; a resumed node's next output has this index.</param>
/// <param name="State">
/// What <see cref="Nodes.IStatefulNode.SaveState"/> wrote; empty for a node without state. Owned by the checkpoint:
/// nobody changes it after it is made.
/// </param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record StageCheckpoint(long Inputs, long Outputs, byte[] State)
{
    /// <summary>The counts, checked: neither negative.</summary>
    public long Inputs { get; init; } = Inputs >= 0 ? Inputs : throw new ArgumentOutOfRangeException(nameof(Inputs), Inputs, "A checkpoint's input count cannot be negative.");

    /// <summary>The output count, checked: not negative.</summary>
    public long Outputs { get; init; } = Outputs >= 0 ? Outputs : throw new ArgumentOutOfRangeException(nameof(Outputs), Outputs, "A checkpoint's output count cannot be negative.");

    /// <summary>The state, checked: not null.</summary>
    public byte[] State { get; init; } = State ?? throw new ArgumentNullException(nameof(State));
}
