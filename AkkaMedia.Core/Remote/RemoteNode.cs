using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Link;

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

    /// <summary>The StreamRef transport: a SourceRef out, the results back through the session's SourceRef, a kill switch over both.</summary>
    internal static Flow<TIn, TOut, NotUsed> OverStreamRefs<TIn, TOut>(ActorSystem system, string sessionId, RemoteStageTarget target, RemoteStageSettings settings, RemoteStageActor.Tracing trace)
    {
        var killSwitch = KillSwitches.Shared("remote-" + target.Name);
        var output = new TaskCompletionSource<Source<object, NotUsed>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stage = system.ActorOf(
            Props.Create(() => new RemoteStageActor(sessionId, target, settings, killSwitch, output, trace)),
            "akka-media-stage-" + sessionId);

        var input = Akka.Streams.Dsl.Flow.Create<TIn>()
            .Select(static x => (object)x!)
            .KeepAlive(settings.HeartbeatInterval, static () => (object)StreamHeartbeat.Instance)
            .Via(killSwitch.Flow<object>())
            .ToMaterialized(
                StreamRefs.SourceRef<object>().WithAttributes(StreamRefAttributes.CreateSubscriptionTimeout(settings.OpenTimeout + settings.OpenTimeout)),
                Keep.Right)
            .MapMaterializedValue(refTask =>
            {
                refTask.PipeTo(stage, success: r => new RemoteStageActor.InputReady(r), failure: e => new Status.Failure(e));
                return NotUsed.Instance;
            });

        var results = Source.FromTaskSource(output.Task)
            .Via(killSwitch.Flow<object>())
            .WatchTermination((_, done) => ReportEnd(done, killSwitch, stage))
            .SelectError(static e => e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e)
            .Select(static o => (TOut)o);

        return Akka.Streams.Dsl.Flow.FromSinkAndSource(input, results);
    }

    /// <summary>When the stage's stream ends: stop the other direction and let the stage actor close the session.</summary>
    private static NotUsed ReportEnd(Task done, SharedKillSwitch killSwitch, IActorRef stage)
    {
        done.ContinueWith(
            t =>
            {
                var error = t.Exception?.GetBaseException();
                if (error is not null)
                {
                    killSwitch.Abort(error);
                }
                else
                {
                    killSwitch.Shutdown();
                }

                stage.Tell(new RemoteStageActor.StreamEnded(error));
            },
            TaskScheduler.Default);
        return NotUsed.Instance;
    }
}
