using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using AkkaMedia.Diagnostics;
using AkkaMedia.Remote.Transport;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote;

/// <summary>
/// The stage behind <see cref="RemoteNode.Flow{TIn,TOut}"/>. On start it reads <c>akka-media.remote</c>
/// of the materializer's actor system and starts a <see cref="RemoteStageActor"/> to place the session.
/// </summary>
/// <remarks>
/// <para>The transport is chosen here, once, by building the stage's <see cref="IRemoteDataPath"/>; the stage actor
/// only talks to that. Over the media link the stage is itself the client end of the session's link channel
/// (<see cref="LinkDataPath"/>): an element crosses one asynchronous boundary per direction (the link), none inside this
/// process. Over StreamRefs it materializes <see cref="StreamRefsDataPath"/>'s graph inside the same stream, behind a
/// sub-source and a sub-sink (what <c>Flow.Setup</c> would do, without its cost on the link path).</para>
/// <para>On both transports the stage counts the frames and bytes it sends and receives and times each frame's
/// round trip (<see cref="RemoteMetrics"/>, one frame in 16), with no allocation per frame.</para>
/// <para>Tracing: the trace the materializing code was in (<see cref="Activity.Current"/> when the stage's logic is
/// created, on the thread that materializes the graph) is the parent of the stage's
/// <see cref="MediaTracing.RemoteStageOpen"/> span, which the stage actor ends once the session is open.</para>
/// </remarks>
internal sealed class RemoteStage<TIn, TOut> : GraphStage<FlowShape<TIn, TOut>>
{
    private readonly RemoteStageTarget _target;
    private readonly RemoteStageOptions? _options;

    public RemoteStage(RemoteStageTarget target, RemoteStageOptions? options)
    {
        _target = target;
        _options = options;
        Shape = new FlowShape<TIn, TOut>(new Inlet<TIn>("remote-" + target.Name + ".in"), new Outlet<TOut>("remote-" + target.Name + ".out"));
    }

    public override FlowShape<TIn, TOut> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("remote-" + _target.Name);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, inheritedAttributes);

    private sealed class Logic(RemoteStage<TIn, TOut> stage, Attributes inheritedAttributes)
        : LinkChannelLogic<TIn, TOut>(stage.Shape, stage.Shape.Inlet, stage.Shape.Outlet, window: 1, isClient: true)
    {
        private readonly RoundTripClock _clock = new();

        /// <summary>The caller's trace, read while the graph is materialized (OnStart runs on the stream's own actor, outside it).</summary>
        private readonly ActivityContext _caller = Activity.Current?.Context ?? default;
        private IActorRef? _stageActor;
        private RemoteMetrics? _metrics;
        private StreamCounters? _counters;
        private KeyValuePair<string, object?> _nodeTypeTag;
        private long _received;

        protected override void OnStart()
        {
            var system = Materializer is ActorMaterializer actorMaterializer
                ? actorMaterializer.System
                : throw new InvalidOperationException($"Remote stage '{stage._target.Name}' needs an actor materializer; it got {Materializer.GetType().Name}.");
            _metrics = RemoteMetrics.Get(system);
            _counters = _metrics.Attach(stage._target.Name);
            _nodeTypeTag = new KeyValuePair<string, object?>("node_type", stage._target.Name);
            var settings = RemoteStageSettings.Create(system.Settings.Config, stage._options);
            var sessionId = RemoteNode.NewSessionId();
            var span = MediaTracing.Start(MediaTracing.RemoteStageOpen, ActivityKind.Client, _caller);
            if (span is not null)
            {
                span.SetTag(MediaTracing.NodeTypeTag, stage._target.Name);
                span.SetTag(MediaTracing.SessionIdTag, sessionId);
                span.SetTag(MediaTracing.TransportTag, TransportNames.Of(settings.Transport));
            }

            var trace = new RemoteStageActor.Tracing(span, _caller);
            var target = stage._target;
            _stageActor = system.ActorOf(
                Props.Create(() => new RemoteStageActor(sessionId, target, settings, trace)),
                "akka-media-stage-" + sessionId);
            if (settings.Transport == RemoteTransport.StreamRefs)
            {
                RunOverStreamRefs(new StreamRefsDataPath(target.Name, settings).Flow<TIn, TOut>(_stageActor));
                return;
            }

            Window = settings.LinkWindow;
            if (settings.Checkpoints is not null)
            {
                EnableFailover(settings.MaxUnacknowledged);
            }

            _stageActor.Tell(new DataPathReady(new LinkDataPath(this, system, target.Name, settings)));
        }

        /// <summary>The executor was lost; the stage waits, unbound, for its actor to open the session on another one.</summary>
        protected override void OnFailover(Exception cause) => _stageActor!.Tell(new RemoteStageActor.FailingOver(cause));

        protected override void OnResumed(TimeSpan elapsed, int replayed, long skipped)
        {
            Log.Info(
                "Remote stage '{0}' resumed on another executor {1:0.#} ms after losing its own; {2} inputs replayed, {3} outputs already delivered dropped",
                stage._target.Name, elapsed.TotalMilliseconds, replayed, skipped);
            _metrics!.Resumed(elapsed, _nodeTypeTag);
        }

        /// <summary>A broken link fails the stream naming this stage as well as the executor (the link's message names only the executor).</summary>
        protected override Exception LinkLost(string message, string? peer, Exception? cause) =>
            new RemoteStageException($"Remote stage '{stage._target.Name}' failed: {message}", peer, cause);

        /// <summary>The stage actor closes the session (or stops placing it).</summary>
        protected override void OnStopped()
        {
            _stageActor?.Tell(new RemoteStageActor.StreamEnded(Failure));
            if (_counters is not null)
            {
                _metrics!.Detach(_counters);
            }
        }

        protected override void OnPeerAnswered() => _stageActor?.Tell(DataPathOpen.Instance);

        protected override void OnElementSent(TIn element)
        {
            _counters!.CountIn(element);
            _clock.Sent();
        }

        protected override void OnElementReceived(TOut element)
        {
            _counters!.CountOut(element);
            if (_clock.TryReceived(out var milliseconds) && (_received++ & (RemoteMetrics.RoundTripSampling - 1)) == 0)
            {
                _metrics!.RoundTrip.Record(milliseconds, _nodeTypeTag);
            }
        }

        /// <summary>Replaces the link handlers by a bridge to <paramref name="flow"/>, materialized in this stream.</summary>
        private void RunOverStreamRefs(Flow<TIn, TOut, Akka.NotUsed> flow)
        {
            var inlet = stage.Shape.Inlet;
            var outlet = stage.Shape.Outlet;
            var toRemote = new SubSourceOutlet<TIn>(this, "remote-" + stage._target.Name + ".to");
            var fromRemote = new SubSinkInlet<TOut>(this, "remote-" + stage._target.Name + ".from");
            fromRemote.SetHandler(new LambdaInHandler(
                onPush: () =>
                {
                    var element = fromRemote.Grab();
                    OnElementReceived(element);
                    Push(outlet, element);
                },
                onUpstreamFinish: () => Complete(outlet),
                onUpstreamFailure: e => Fail(outlet, e)));
            toRemote.SetHandler(new LambdaOutHandler(
                onPull: () => Pull(inlet),
                onDownstreamFinish: e => Cancel(inlet, e)));
            SetHandler(
                inlet,
                onPush: () =>
                {
                    var element = Grab(inlet);
                    OnElementSent(element);
                    toRemote.Push(element);
                },
                onUpstreamFinish: toRemote.Complete,
                onUpstreamFailure: toRemote.Fail);
            SetHandler(outlet, onPull: fromRemote.Pull, onDownstreamFinish: fromRemote.Cancel);
            SubFusingMaterializer.Materialize(
                Source.FromGraph(toRemote.Source).Via(flow).To(Sink.FromGraph(fromRemote.Sink)),
                inheritedAttributes);
        }
    }
}
