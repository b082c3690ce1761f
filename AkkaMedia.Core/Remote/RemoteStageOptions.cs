namespace AkkaMedia.Remote;

/// <summary>
/// Per-stage overrides of <c>akka-media.remote</c>. Every property is optional: null keeps the value
/// from the actor system's configuration.
/// </summary>
public sealed class RemoteStageOptions
{
    /// <summary>
    /// Run the stage on this executor (<c>akka.tcp://media@host:port</c>) instead of picking the
    /// least-loaded member with the executor role. Works without cluster membership.
    /// </summary>
    public string? Executor { get; init; }

    /// <summary>How elements travel; see <see cref="RemoteTransport"/>.</summary>
    public RemoteTransport? Transport { get; init; }

    /// <summary>Cluster role that marks executors.</summary>
    public string? ExecutorRole { get; init; }

    /// <summary>How long to wait for an executor to accept the session.</summary>
    public TimeSpan? OpenTimeout { get; init; }

    /// <summary>Silence on the return stream after which the stage fails; see <c>akka-media.remote.idle-timeout</c>.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Interval of heartbeats sent when the stage has no data to send.</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>
    /// Whether the stage survives the death of its executor by reopening on another one from the node's last
    /// checkpoint (<c>akka-media.remote.failover</c>, docs/fault-tolerance.md): downstream then sees no gap and no
    /// duplicate. Needs the media link transport and a registered node type built from one node.
    /// </summary>
    public bool? Failover { get; init; }

    /// <summary>With failover: inputs between two checkpoints at most (<c>failover.checkpoint-every</c>).</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>With failover: time between two checkpoints at most while inputs arrive (<c>failover.checkpoint-interval</c>).</summary>
    public TimeSpan? CheckpointInterval { get; init; }

    /// <summary>With failover: inputs kept for replay at most before the stage waits for a checkpoint (<c>failover.max-unacknowledged</c>).</summary>
    public int? MaxUnacknowledged { get; init; }
}
