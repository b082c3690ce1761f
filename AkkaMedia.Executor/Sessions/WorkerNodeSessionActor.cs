using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Isolation;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// A shipped node whose code runs in a worker process (<c>isolation = process</c>), the counterpart of
/// <see cref="ShippedNodeSessionActor"/>: the session's stream runs in a <see cref="SessionActor"/> child exactly as
/// in-process, but its node is a <see cref="LinkChannelStage"/> on the worker's link, whose other end in the worker
/// runs the node. Elements cross with the link's codec and its credit-based backpressure.
/// </summary>
/// <remarks>
/// The worker ending under the stream (its memory limit, a crash, killed from outside) fails the stream with the worker's
/// exit message. When the child stops, this actor stops and the worker is killed.
/// </remarks>
internal sealed class WorkerNodeSessionActor : WorkerSessionActor
{
    /// <summary>How long a stream whose worker link broke waits for the worker's exit to say why.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly OpenNodeSession _request;
    private readonly ISessionTransport _transport;
    /// <summary>Least credit, in elements, on a worker's node channel, whatever the executor's <c>link.window</c>.</summary>
    internal const int MinWorkerWindow = 256;

    private readonly int _window;

    public WorkerNodeSessionActor(OpenNodeSession request, UserCodeHost host, WorkerPool pool, ISessionTransport transport, int window, SessionMetrics metrics, Activity? span)
        : base("node", new CodeSessionRequest(request.SessionId, request.EntryAssembly, request.Entries, request.Node, request.Client), host, pool, host.Settings.CallTimeout, metrics, span)
    {
        _request = request;
        _transport = transport;
        // The hop to the worker is a local socket: credit costs memory (frames in flight), not round trips over a network,
        // and a larger window keeps the worker busy while the executor's side catches up (measured: IsolationBenchmarks).
        _window = Math.Max(window, MinWorkerWindow);

        Receive<ExecutorActor.KillSession>(_ => Context.Stop(Self));
        Receive<AbortSession>(abort =>
        {
            Metrics.Error(ExecutorErrorKind.DrainTimeout);
            _request.Client.Tell(new SessionRefused(_request.SessionId, RefusalReason.ShuttingDown, abort.Message));
            Context.Stop(Self);
        });
    }

    protected override int Window => _window;

    protected override CheckpointPolicy? Checkpoints => _request.Checkpoints;

    protected override SupervisorStrategy SupervisorStrategy() => SessionSupervision.Strategy;

    protected override void Started(string name)
    {
        Log.Info("Shipped node {NodeName} of {EntryAssembly} loaded in worker process {Pid}", name, _request.EntryAssembly, Worker.Process.Pid);
        var open = new OpenSession(_request.SessionId, name, string.Empty, _request.Transport, _request.Input, _request.Client, _request.Trace.Parent, _request.Trace.State);
        var span = CodeLoaded();
        span?.SetTag(MediaTracing.NodeTypeTag, name);
        var flow = WorkerFlow(Worker.OpenLink((ExtendedActorSystem)Context.System), Worker.Process, _request.SessionId, _window, name);
        var (transport, metrics) = (_transport, Metrics);
        var stream = Context.ActorOf(Props.Create(() => new SessionActor(open, flow, transport, metrics, span)), "stream");
        Context.Watch(stream);
        WatchWorker();
        Become(() => Streaming(stream));
    }

    /// <summary>
    /// The node as the session runs it: the client end of channel 1 of the worker's <paramref name="link"/>. A failure
    /// because the link broke waits (briefly) for the worker's exit and fails with its message instead.
    /// </summary>
    private static Flow<object, object, NotUsed> WorkerFlow(MediaLink link, WorkerProcess worker, string sessionId, int window, string name)
    {
        var stage = new LinkChannelStage(
            control =>
            {
                if (!control.Open(link, WorkerHost.SessionChannel, sessionId))
                {
                    control.Fail(new InvalidOperationException($"The channel to worker process {worker.Pid} could not be opened."));
                }
            },
            window,
            isClient: true,
            "worker-" + name);
        return Flow.FromGraph(stage).RecoverWithRetries(
            error => Source.FromTask(Explain(error, link, worker)),
            1);
    }

    private static async Task<object> Explain(Exception error, MediaLink link, WorkerProcess worker)
    {
        if (link.IsClosed)
        {
            var exited = await Task.WhenAny(worker.Exited, Task.Delay(ExitGrace)).ConfigureAwait(false);
            if (exited == worker.Exited && worker.Exited.Result.Reason != WorkerKillReason.SessionEnded)
            {
                throw new WorkerExitedException($"The worker process of the shipped node ended: {worker.Exited.Result.Message}", error);
            }
        }

        throw error;
    }

    private void Streaming(IActorRef stream)
    {
        Receive<CloseSession>(close => stream.Forward(close));
        Receive<ExecutorActor.KillSession>(kill => stream.Forward(kill));
        Receive<AbortSession>(abort => stream.Forward(abort));
        Receive<WorkerEnded>(ended => Log.Warning("Worker process {Pid} of the shipped node ended: {Reason}", Worker.Process.Pid, ended.Exit.Message));
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(stream))
            {
                Context.Stop(Self);
            }
        });
    }
}
