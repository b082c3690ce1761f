namespace AkkaMedia.Remote;

/// <summary>
/// Per-deployment overrides for <see cref="RemoteObject.DeployAsync{TInterface}"/>. Every property is
/// optional: null keeps the configured value (<c>akka-media.remote</c> on the client,
/// <c>akka-media.executor.objects</c> on the executor).
/// </summary>
public sealed class RemoteObjectOptions
{
    /// <summary>
    /// Deploy on this executor (<c>akka.tcp://media@host:port</c>) instead of the least-loaded member
    /// with the executor role. Works without cluster membership.
    /// </summary>
    public string? Executor { get; init; }

    /// <summary>Cluster role that marks executors.</summary>
    public string? ExecutorRole { get; init; }

    /// <summary>How long to wait for executors to appear and for one to answer a deploy.</summary>
    public TimeSpan? OpenTimeout { get; init; }

    /// <summary>How long the upload of the object's assemblies to one executor may take.</summary>
    public TimeSpan? UploadTimeout { get; init; }

    /// <summary>
    /// Longest a single call (and the object's deserialization at deploy) may run on the executor. A call
    /// that takes longer fails with <see cref="TimeoutException"/> and the session is stopped. Null uses the
    /// executor's <c>akka-media.executor.objects.call-timeout</c> (30 s by default).
    /// </summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>
    /// How calls travel. <see cref="RemoteTransport.MediaLink"/> (the default, <c>akka-media.remote.transport = link</c>):
    /// over the executor's media link, on a channel of the link its remote stages share, with no actor message per
    /// call: the fastest path. <see cref="RemoteTransport.StreamRefs"/>: as Akka.Remote messages to the session's actor,
    /// for an executor whose link port this client cannot reach. An executor with its link off, or a link that cannot be
    /// connected at deploy, is called through Akka.Remote (the latter with a warning in the log).
    /// </summary>
    public RemoteTransport? Transport { get; init; }
}
