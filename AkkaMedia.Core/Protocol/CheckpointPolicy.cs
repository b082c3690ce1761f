using System.ComponentModel;

namespace AkkaMedia.Protocol;

/// <summary>
/// How often the executor checkpoints a session opened for a remote stage with failover (<see cref="StageCheckpoint"/>):
/// after the input that makes <paramref name="EveryInputs"/> since the last one, or after the first input once
/// <paramref name="Interval"/> has passed since it, whichever comes first. Checked only when an input is processed:
/// a stage that receives nothing sends no checkpoint, and has nothing new to lose.
/// </summary>
/// <param name="EveryInputs">Inputs between two checkpoints at most; at least 1.</param>
/// <param name="Interval">Time between two checkpoints at most, while inputs arrive; positive.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CheckpointPolicy(int EveryInputs, TimeSpan Interval)
{
    /// <summary>The input count, checked: at least 1.</summary>
    public int EveryInputs { get; init; } = EveryInputs >= 1 ? EveryInputs : throw new ArgumentOutOfRangeException(nameof(EveryInputs), EveryInputs, "A checkpoint needs to come after at least one input.");

    /// <summary>The interval, checked: positive.</summary>
    public TimeSpan Interval { get; init; } = Interval > TimeSpan.Zero ? Interval : throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The checkpoint interval must be positive.");
}
