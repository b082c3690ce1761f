namespace AkkaMedia.Executor.Isolation;

/// <summary>How worker processes are confined (<c>akka-media.executor.workers.sandbox</c>).</summary>
internal enum WorkerSandbox
{
    /// <summary>
    /// Under bubblewrap: own network (loopback only), PID, IPC, UTS and cgroup namespaces, a read-only view of the
    /// runtime and the worker's own paths, nothing else of the host's files.
    /// </summary>
    Bubblewrap,

    /// <summary>A plain child process: resource limits still apply, but the worker sees the host as the executor does.</summary>
    None,
}
