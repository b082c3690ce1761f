using Akka.Streams;
using Akka.Streams.Stage;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;


namespace AkkaMedia.Protocol.Liveness;

/// <summary>
/// The receiving half of <see cref="StreamLiveness"/>: drops heartbeats, notes when anything arrived, and at every
/// heartbeat interval asks <see cref="PeerSilence"/> whether the peer is presumed dead. Like Akka's idle timeout, an
/// element held back by this stream's own backpressure also counts as silence.
/// </summary>
internal sealed class SilenceWatch : GraphStage<FlowShape<object, object>>
{
    private readonly LivenessSettings _settings;
    private readonly Func<Exception> _silent;

    public SilenceWatch(LivenessSettings settings, Func<Exception> silent)
    {
        _settings = settings;
        _silent = silent;
        Shape = new FlowShape<object, object>(new Inlet<object>("silence-watch.in"), new Outlet<object>("silence-watch.out"));
    }

    public override FlowShape<object, object> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("silence-watch");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private readonly SilenceWatch _stage;
        private PeerSilence? _silence;
        private long _lastReceive;

        public Logic(SilenceWatch stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.Shape.Inlet, OnPush);
            SetHandler(stage.Shape.Outlet, () => Pull(stage.Shape.Inlet));
        }

        public override void PreStart()
        {
            _lastReceive = Environment.TickCount64;
            _silence = new PeerSilence(_stage._settings.HeartbeatInterval, _stage._settings.IdleTimeout, _lastReceive);
            ScheduleRepeatedly(nameof(SilenceWatch), _stage._settings.HeartbeatInterval);
        }

        protected override void OnTimer(object timerKey)
        {
            if (_silence!.PeerPresumedDead(Environment.TickCount64, _lastReceive))
            {
                FailStage(_stage._silent());
            }
        }

        private void OnPush()
        {
            _lastReceive = Environment.TickCount64;
            var element = Grab(_stage.Shape.Inlet);
            if (element is StreamHeartbeat)
            {
                Pull(_stage.Shape.Inlet);
            }
            else
            {
                Push(_stage.Shape.Outlet, element);
            }
        }
    }
}
