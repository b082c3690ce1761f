using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Remote;

/// <summary>
/// Runs a registered node type on an executor of the cluster, as a plain <see cref="Flow{TIn,TOut,TMat}"/>
/// usable in the graph DSL and in <c>Pipeline.Via</c>.
/// </summary>
/// <remarks>
/// <para>Each materialization opens one session on the least-loaded reachable executor (the next
/// one is tried when an executor is at capacity). Elements cross the network with backpressure over the
/// transport of <c>akka-media.remote.transport</c> (<see cref="RemoteTransport"/>: the media link by
/// default, or StreamRefs); frames use the raw frame serializer.</para>
/// <para>Failures: if no executor answers within <c>open-timeout</c>, every executor refuses, or the
/// node type or settings are refused, the stream fails before any element is processed with a
/// <see cref="RemoteStageException"/> saying why. If the executor dies or goes silent for
/// <c>idle-timeout</c> mid-stream, the stream fails with a <see cref="RemoteStageException"/> naming the
/// executor's address. Completion, failure or cancellation on the client closes the session.</para>
/// </remarks>
public static class RemoteNode
{
    private static long _counter;

    /// <summary>A flow that runs node type <paramref name="nodeType"/> remotely.</summary>
    /// <param name="nodeType">A name from the executor's node registry, such as <c>Echo</c>.</param>
    /// <param name="settings">The node's settings as HOCON (<c>delay = 250ms, decay = 0.5</c>); null for none.</param>
    /// <param name="options">Overrides of <c>akka-media.remote</c>; null for the configured values.</param>
    /// <typeparam name="TIn">Element type sent to the node; must be serializable by Akka (frames are).</typeparam>
    /// <typeparam name="TOut">Element type the node emits.</typeparam>
    /// <exception cref="ArgumentException"><paramref name="settings"/> is not valid HOCON.</exception>
    public static Flow<TIn, TOut, NotUsed> Flow<TIn, TOut>(string nodeType, string? settings = null, RemoteStageOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeType);
        var settingsText = settings ?? string.Empty;
        try
        {
            _ = HoconText.Parse(settingsText, $"settings of remote node '{nodeType}'");
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(settings), e);
        }

        return Create<TIn, TOut>(new RegisteredNodeTarget(nodeType, settingsText), options);
    }

    /// <summary>A flow that runs <paramref name="target"/> remotely, one session per materialization.</summary>
    internal static Flow<TIn, TOut, NotUsed> Create<TIn, TOut>(RemoteStageTarget target, RemoteStageOptions? options) =>
        Akka.Streams.Dsl.Flow.FromGraph(new RemoteStage<TIn, TOut>(target, options));

    /// <summary>A new session identifier, unique across client processes: this process, a counter and a random part.</summary>
    internal static string NewSessionId() => $"{Environment.ProcessId:x}-{Interlocked.Increment(ref _counter):x}-{Guid.NewGuid():N}"[..32];
}
