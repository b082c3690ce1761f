namespace AkkaMedia.Executor.Isolation;

/// <summary>Where an executor runs shipped user code (<c>akka-media.executor.isolation</c>).</summary>
internal enum CodeIsolation
{
    /// <summary>In the executor's own process; the reference check (<c>akka-media.executor.sandbox</c>) is the only wall.</summary>
    InProcess,

    /// <summary>In worker processes, confined by <see cref="WorkerSettings.Sandbox"/> and the limits of <c>akka-media.executor.workers</c>.</summary>
    Process,
}
