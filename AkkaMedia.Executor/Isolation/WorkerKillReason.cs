namespace AkkaMedia.Executor.Isolation;

/// <summary>Why a worker process was ended from outside.</summary>
internal enum WorkerKillReason
{
    /// <summary>A call ran past its wall-clock timeout (<c>akka-media.executor.objects.call-timeout</c>).</summary>
    CallTimeout,

    /// <summary>The worker went over its memory limit (<c>akka-media.executor.workers.memory-limit</c>).</summary>
    MemoryLimit,

    /// <summary>The worker did not become ready within <c>akka-media.executor.workers.start-timeout</c>.</summary>
    StartTimeout,

    /// <summary>The session ended (closed, client gone, killed by an operator, executor stopping).</summary>
    SessionEnded,

    /// <summary>The worker broke its protocol with the executor (unreadable or unexpected messages).</summary>
    ProtocolError,
}
