using Akka.Streams;
using Akka.Streams.Stage;

namespace AkkaMedia.Remote.Link;

/// <summary>
/// One end of a channel of a <see cref="MediaLink"/> as a flow: elements pushed in are sent to the
/// peer, elements the peer sends come out. Backpressure is credit based: the stage grants the peer
/// <c>window</c> elements up front and more as its downstream consumes them, and sends only while it
/// holds credit from the peer.
/// </summary>
/// <remarks>
/// The stage starts unbound; <c>onStart</c> receives an <see cref="ILinkStageControl"/> through which
/// the owner binds it to a link and channel once the session is placed, or fails it.
/// </remarks>
internal sealed class LinkChannelStage : GraphStage<FlowShape<object, object>>
{
    private readonly Action<ILinkStageControl> _onStart;
    private readonly int _window;
    private readonly bool _isClient;

    public LinkChannelStage(Action<ILinkStageControl> onStart, int window, bool isClient, string name)
    {
        _onStart = onStart;
        _window = window;
        _isClient = isClient;
        Shape = new FlowShape<object, object>(new Inlet<object>(name + ".in"), new Outlet<object>(name + ".out"));
    }

    public override FlowShape<object, object> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, ILinkStageControl
    {
        private readonly LinkChannelStage _stage;
        private readonly Queue<object> _received = new();
        private Action<(MediaLink Link, int Channel)>? _bind;
        private Action<Exception>? _fail;
        private Action<List<object>>? _data;
        private Action<int>? _demand;
        private Action<LinkEvent>? _event;
        private MediaLink? _link;
        private int _channel;
        private int _credit;
        private int _consumed;
        private bool _remoteCompleted;
        private bool _done;

        public Logic(LinkChannelStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.Shape.Inlet, OnPush, OnUpstreamFinish, OnUpstreamFailure);
            SetHandler(stage.Shape.Outlet, OnPull, OnDownstreamFinish);
        }

        private enum LinkEventKind
        {
            Complete,
            Failure,
            Cancel,
            Lost,
        }

        public override void PreStart()
        {
            _bind = GetAsyncCallback<(MediaLink Link, int Channel)>(b => DoBind(b.Link, b.Channel));
            _fail = GetAsyncCallback<Exception>(FailStage);
            _data = GetAsyncCallback<List<object>>(OnData);
            _demand = GetAsyncCallback<int>(OnDemand);
            _event = GetAsyncCallback<LinkEvent>(OnEvent);
            _stage._onStart(this);
        }

        public void Bind(MediaLink link, int channel)
        {
            link.Register(channel, new Handler(this));
            _bind!((link, channel));
        }

        public void Open(MediaLink link, int channel, string sessionId)
        {
            link.Register(channel, new Handler(this));
            link.SendOpen(channel, sessionId);
            _bind!((link, channel));
        }

        public void Fail(Exception cause) => _fail!(cause);

        public override void PostStop()
        {
            if (_link is null)
            {
                return;
            }

            _link.Unregister(_channel);
            if (!_done)
            {
                _link.SendFailure(_channel, "The remote stage was stopped by its peer.");
            }
        }

        private void DoBind(MediaLink link, int channel)
        {
            _link = link;
            _channel = channel;
            link.SendDemand(channel, _stage._window);
            if (IsClosed(_stage.Shape.Inlet))
            {
                link.SendComplete(channel);
            }
            else
            {
                PullIfCredit();
            }
        }

        private void OnPush()
        {
            var element = Grab(_stage.Shape.Inlet);
            _link!.SendData(_channel, element);
            _credit--;
            if (_credit > 0)
            {
                Pull(_stage.Shape.Inlet);
            }
        }

        private void OnUpstreamFinish()
        {
            if (_link is null)
            {
                return;
            }

            _link.SendComplete(_channel);
            TryFinish();
        }

        private void OnUpstreamFailure(Exception e)
        {
            _link?.SendFailure(_channel, $"{e.GetType().Name}: {e.Message}");
            _done = true;
            FailStage(e);
        }

        private void OnPull()
        {
            if (_received.TryDequeue(out var next))
            {
                Push(_stage.Shape.Outlet, next);
                if (++_consumed >= Math.Max(1, _stage._window / 2))
                {
                    _link!.SendDemand(_channel, _consumed);
                    _consumed = 0;
                }
            }
            else if (_remoteCompleted)
            {
                Complete(_stage.Shape.Outlet);
                TryFinish();
            }
        }

        private void OnDownstreamFinish(Exception cause)
        {
            if (_link is null)
            {
                _done = true;
                CompleteStage();
                return;
            }

            _link.SendCancel(_channel);
            if (_stage._isClient)
            {
                if (!IsClosed(_stage.Shape.Inlet))
                {
                    Cancel(_stage.Shape.Inlet);
                    _link.SendComplete(_channel);
                }

                _done = true;
                CompleteStage();
            }
            else
            {
                TryFinish();
            }
        }

        private void OnData(List<object> elements)
        {
            foreach (var element in elements)
            {
                _received.Enqueue(element);
            }

            if (IsAvailable(_stage.Shape.Outlet))
            {
                OnPull();
            }
        }

        /// <summary>The peer's credit may arrive before this stage has processed its own binding; it is kept until then.</summary>
        private void OnDemand(int count)
        {
            _credit += count;
            PullIfCredit();
        }

        private void PullIfCredit()
        {
            if (_link is not null && _credit > 0 && !IsClosed(_stage.Shape.Inlet) && !HasBeenPulled(_stage.Shape.Inlet))
            {
                Pull(_stage.Shape.Inlet);
            }
        }

        private void OnEvent(LinkEvent e)
        {
            switch (e.Kind)
            {
                case LinkEventKind.Complete:
                    _remoteCompleted = true;
                    if (_received.Count == 0 && !IsClosed(_stage.Shape.Outlet))
                    {
                        Complete(_stage.Shape.Outlet);
                    }

                    TryFinish();
                    break;
                case LinkEventKind.Cancel:
                    if (!IsClosed(_stage.Shape.Inlet))
                    {
                        Cancel(_stage.Shape.Inlet);
                        _link?.SendComplete(_channel);
                    }

                    TryFinish();
                    break;
                case LinkEventKind.Failure:
                    _done = true;
                    FailStage(new RemoteStageException(e.Message!, _link?.Peer));
                    break;
                case LinkEventKind.Lost:
                    _done = true;
                    FailStage(new RemoteStageException(e.Message!, _link?.Peer, e.Cause));
                    break;
            }
        }

        private void TryFinish()
        {
            if (IsClosed(_stage.Shape.Inlet) && IsClosed(_stage.Shape.Outlet))
            {
                _done = true;
                CompleteStage();
            }
        }

        private sealed record LinkEvent(LinkEventKind Kind, string? Message = null, Exception? Cause = null);

        private sealed class Handler(Logic logic) : ILinkChannel
        {
            public void OnData(List<object> elements) => logic._data!(elements);

            public void OnDemand(int count) => logic._demand!(count);

            public void OnComplete() => logic._event!(new LinkEvent(LinkEventKind.Complete));

            public void OnFailure(string message) => logic._event!(new LinkEvent(LinkEventKind.Failure, message));

            public void OnCancel() => logic._event!(new LinkEvent(LinkEventKind.Cancel));

            public void OnLinkLost(Exception cause) =>
                logic._event!(new LinkEvent(LinkEventKind.Lost, $"The link to {logic._link?.Peer} was lost: {cause.Message}", cause));
        }
    }
}
