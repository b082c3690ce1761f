using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;
using AkkaMedia.Diagnostics;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// One side of a session's node: counts every element that passes into <see cref="StreamCounters"/> (in or out of the
/// node) and, when a failure arrives from upstream, tells the session <paramref name="failureSeen"/> before passing the
/// failure on. One stage where a <c>SelectError</c> and a <c>Select</c> were two: the graph of every session is built,
/// fused and materialized when the session opens, and each stage less is less of that per open.
/// </summary>
/// <param name="counters">The session's counters.</param>
/// <param name="countIn">True: count as entering the node; false: as leaving it.</param>
/// <param name="session">The session's actor, told <paramref name="failureSeen"/> (from the stream's thread).</param>
/// <param name="failureSeen">What to tell the session when a failure passes.</param>
internal sealed class SessionCounterStage(StreamCounters counters, bool countIn, IActorRef session, object failureSeen) : GraphStage<FlowShape<object, object>>
{
    private readonly StreamCounters _counters = counters;
    private readonly bool _countIn = countIn;
    private readonly IActorRef _session = session;
    private readonly object _failureSeen = failureSeen;
    private readonly Inlet<object> _in = new("session-counter.in");
    private readonly Outlet<object> _out = new("session-counter.out");

    public override FlowShape<object, object> Shape => new(_in, _out);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("session-counter");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly SessionCounterStage _stage;

        public Logic(SessionCounterStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, this);
            SetHandler(stage._out, this);
        }

        public override void OnPush()
        {
            var element = Grab(_stage._in);
            if (_stage._countIn)
            {
                _stage._counters.CountIn(element);
            }
            else
            {
                _stage._counters.CountOut(element);
            }

            Push(_stage._out, element);
        }

        public override void OnUpstreamFailure(Exception e)
        {
            _stage._session.Tell(_stage._failureSeen);
            FailStage(e);
        }

        public override void OnPull() => Pull(_stage._in);
    }
}
