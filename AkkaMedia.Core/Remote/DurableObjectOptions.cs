namespace AkkaMedia.Remote;

/// <summary>
/// Per-object settings of a durable object, used when <see cref="RemoteObject.GetOrDeployAsync{TInterface}"/> creates
/// it (an object that exists keeps the settings it was created with). Every property is optional: null keeps the
/// configured value (<c>akka-media.durable</c>).
/// </summary>
public sealed class DurableObjectOptions
{
    /// <summary>
    /// Save the object's state after this many calls since the last save; at least 1 (<c>akka-media.durable.save-every</c>,
    /// 1 by default: after every call). Calls in between are journaled with their arguments and replayed after the saved
    /// state when the object is reactivated, so with a value above 1 the object's methods must be deterministic.
    /// </summary>
    public int? SaveEvery { get; init; }

    /// <summary>
    /// Or save the state with the first call once this long has passed since the last save, whichever comes first;
    /// <see cref="TimeSpan.Zero"/> saves by count only (<c>akka-media.durable.save-interval</c>).
    /// </summary>
    public TimeSpan? SaveInterval { get; init; }

    /// <summary>
    /// Longest a single call may run on the executor; null uses the executor's <c>akka-media.executor.objects.call-timeout</c>.
    /// A call that takes longer fails with <see cref="TimeoutException"/>, is not acknowledged, and the next call reactivates
    /// the object from its last persisted state.
    /// </summary>
    public TimeSpan? CallTimeout { get; init; }
}
