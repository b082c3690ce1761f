using Akka.Streams;
using Akka.Streams.Stage;

namespace AkkaMedia.LoadTest;

/// <summary>
/// A source of the ticks a <see cref="PacedClock"/> gives one stream: each tick is its timestamp. Like
/// <c>Source.Tick</c>, a tick that finds no demand is dropped, so a stream that is not running yet (its
/// session is being placed) or is backpressured skips frames instead of sending them late. While the clock is held
/// (<see cref="PacedClock.IsHeld"/>) a stream sends its first frame as soon as it can (so its first frame back times
/// the session's open without the wait for a tick) and drops the ticks after it.
/// </summary>
internal sealed class PacedTickSource(PacedClock clock) : GraphStage<SourceShape<long>>
{
    private readonly PacedClock _clock = clock;
    private readonly Outlet<long> _out = new("paced-tick.out");

    public override SourceShape<long> Shape => new(_out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic
    {
        private readonly PacedTickSource _source;
        private int _registration = -1;
        private bool _sent;

        public Logic(PacedTickSource source)
            : base(source.Shape)
        {
            _source = source;
            SetHandler(source._out, onPull: OnPull);
        }

        public override void PreStart()
        {
            var tick = GetAsyncCallback<long>(OnTick);
            _registration = _source._clock.Add(tick);
        }

        public override void PostStop()
        {
            if (_registration >= 0)
            {
                _source._clock.Remove(_registration);
            }
        }

        /// <summary>While the clock is held, the first frame goes as soon as the stream can take it: it times the open alone.</summary>
        private void OnPull()
        {
            if (!_sent && _source._clock.IsHeld)
            {
                _sent = true;
                _source._clock.MarkSent(_registration);
                Push(_source._out, System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }

        private void OnTick(long timestamp)
        {
            // While the clock is held, only the first frame goes (it times the session's open).
            if (IsAvailable(_source._out) && !(_sent && _source._clock.IsHeld))
            {
                if (!_sent)
                {
                    _sent = true;
                    _source._clock.MarkSent(_registration);
                }

                Push(_source._out, timestamp);
            }
        }
    }
}
