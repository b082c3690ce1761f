namespace AkkaMedia.Executor;

/// <summary>One running session of an executor, as listed for operators (<see cref="ExecutorActor.ListSessions"/>).</summary>
/// <param name="SessionId">The id the client chose; the name of the session's actor under the executor.</param>
/// <param name="Client">Path of the client's stage actor, which names the client node.</param>
/// <param name="NodeType">The built-in node type the session runs; for shipped code, <c>node of &lt;assembly&gt;</c> or <c>object of &lt;assembly&gt;</c>.</param>
/// <param name="Transport"><c>streamrefs</c> or <c>link</c> (the executor's media link) for streams; <c>calls</c> for an object session.</param>
/// <param name="FramesIn">Elements that entered the node so far (heartbeats excluded); null for an object session.</param>
/// <param name="FramesOut">Elements the node emitted so far; null for an object session.</param>
/// <param name="Started">When the executor accepted the session (UTC).</param>
public sealed record SessionSummary(string SessionId, string Client, string NodeType, string Transport, long? FramesIn, long? FramesOut, DateTimeOffset Started)
{
    /// <summary>The value of <see cref="Isolation"/> for code that runs in the executor's process.</summary>
    public const string InProcessIsolation = "in-process";

    /// <summary>The value of <see cref="Isolation"/> for shipped code that runs in a worker process.</summary>
    public const string ProcessIsolation = "process";

    /// <summary>Where the session's code runs: <c>in-process</c> (built-in nodes always, shipped code by default) or <c>process</c> (a worker process of its own).</summary>
    public string Isolation { get; init; } = InProcessIsolation;

    /// <summary>The process id of the session's worker; null in-process, or while the worker is being taken.</summary>
    public int? WorkerPid { get; init; }

    /// <summary>The worker's resident memory, in bytes, when listed; null without a worker.</summary>
    public long? WorkerMemoryBytes { get; init; }

    /// <summary>CPU time the worker has used so far (user and system); null without a worker.</summary>
    public TimeSpan? WorkerCpu { get; init; }
}
