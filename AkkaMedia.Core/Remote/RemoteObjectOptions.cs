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
}
