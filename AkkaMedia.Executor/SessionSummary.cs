namespace AkkaMedia.Executor;

/// <summary>One running session of an executor, as listed for operators (<see cref="ExecutorActor.ListSessions"/>).</summary>
/// <param name="SessionId">The id the client chose; the name of the session's actor under the executor.</param>
/// <param name="Client">Path of the client's stage actor, which names the client node.</param>
/// <param name="NodeType">The built-in node type the session runs; for shipped code, <c>node of &lt;assembly&gt;</c> or <c>object of &lt;assembly&gt;</c>.</param>
/// <param name="Transport"><c>streamrefs</c> or <c>link</c> (the executor's media link) for streams; <c>calls</c> for an object session.</param>
/// <param name="FramesIn">Elements that entered the node so far (heartbeats excluded); null for an object session.</param>
/// <param name="FramesOut">Elements the node emitted so far; null for an object session.</param>
/// <param name="Started">When the executor accepted the session (UTC).</param>
public sealed record SessionSummary(string SessionId, string Client, string NodeType, string Transport, long? FramesIn, long? FramesOut, DateTimeOffset Started);
