using Akka.Streams;
using Akka.Streams.Stage;
using AkkaMedia.Frames;
using AkkaMedia.Remote;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// The logic of one end of a channel of a <see cref="MediaLink"/>: elements pushed into
/// <typeparamref name="TIn"/> are sent to the peer, elements the peer sends come out as
/// <typeparamref name="TOut"/>. Backpressure is credit based: this end grants the peer
/// <see cref="Window"/> elements once bound and more as its downstream consumes them, and sends only
/// while it holds credit from the peer.
/// </summary>
/// <remarks>
/// The logic starts unbound: <see cref="OnStart"/> hands it (as an <see cref="ILinkStageControl"/>) to
/// whoever places the session, which binds it to a link and channel, or fails it. Link events arrive
/// on the link's receive thread and enter the stage through async callbacks, one per read and channel.
/// Every stream element crosses exactly one asynchronous boundary per direction: the link.
/// A Bind or Open may race with the stage's stop: a stage that has stopped answers a Bind with a failure
/// saying why it ended and refuses an Open; one that stops with a channel registered but its binding not yet
/// processed tells the peer on that channel. No channel is left registered to a stopped stage.
/// Audio frames follow the pooled-frame ownership rule (<see cref="AudioFrame"/>): one pushed into this stage is
/// released once written to the link, and the ones it receives come out pooled, owned by downstream.
/// <para>Failover (client side, <see cref="EnableFailover"/>): every input is kept in a <see cref="ReplayBuffer"/> until a
/// <see cref="StageCheckpoint"/> from the executor covers it; checkpoints never go downstream. When the executor is lost
/// the stage stays up, unbound, and reports it (<see cref="OnFailover"/>); once bound to the new session it sends the last
/// checkpoint first, then the inputs it does not cover, then new inputs, and drops the outputs of the new session that it
/// had already received from the old one (counted since the checkpoint). Events of a channel the stage has left are
/// ignored.</para>
/// </remarks>
internal abstract class LinkChannelLogic<TIn, TOut> : GraphStageLogic, ILinkStageControl
{
    private readonly Inlet<TIn> _inlet;
    private readonly Outlet<TOut> _outlet;
    private readonly bool _isClient;
    private readonly Queue<object> _received = new();
    private readonly object _bindGate = new();
    private Action<(MediaLink Link, int Channel)>? _bind;
    private Action<Exception>? _fail;
    private Action<(int Generation, List<object> Elements)>? _data;
    private Action<(int Generation, int Count)>? _demand;
    private Action<LinkEvent>? _event;
    private Action<Exception>? _executorLost;
    private MediaLink? _link;
    private int _channel;
    private int _credit;
    private int _consumed;
    private bool _remoteCompleted;
    private bool _done;
    private bool _peerAnswered;
    private volatile bool _peerEnded;

    // Failover (client side only); touched on the stage's thread, except _generation (read by Bind and Open).
    private ReplayBuffer? _replay;
    private int _replaySent;
    private StageCheckpoint? _checkpoint;
    private bool _checkpointToSend;
    private bool _completeSent;
    private long _outputsReceived;
    private long _skip;
    private bool _failingOver;
    private long _failoverStarted;
    private volatile int _generation;

    // Guarded by _bindGate: a Bind or Open (from another thread) racing with this stage's stop.
    private bool _stopped;
    private string? _stopReason;
    private MediaLink? _boundLink;
    private int _boundChannel;

    protected LinkChannelLogic(Shape shape, Inlet<TIn> inlet, Outlet<TOut> outlet, int window, bool isClient)
        : base(shape)
    {
        _inlet = inlet;
        _outlet = outlet;
        _isClient = isClient;
        Window = window;
        SetHandler(inlet, OnPush, OnUpstreamFinish, OnUpstreamFailure);
        SetHandler(outlet, OnPull, OnDownstreamFinish);
    }

    private enum LinkEventKind
    {
        Complete,
        Failure,
        Cancel,
        Lost,
    }

    /// <summary>Credit granted to the peer, in elements; may be changed in <see cref="OnStart"/>, before binding.</summary>
    protected int Window { get; set; }

    /// <summary>Why this stage failed, once it has; null while it runs or when it completed or was cancelled.</summary>
    protected Exception? Failure { get; private set; }

    public sealed override void PreStart()
    {
        _bind = GetAsyncCallback<(MediaLink Link, int Channel)>(b => DoBind(b.Link, b.Channel));
        _fail = GetAsyncCallback<Exception>(Fail);
        _data = GetAsyncCallback<(int Generation, List<object> Elements)>(d => OnData(d.Generation, d.Elements));
        _demand = GetAsyncCallback<(int Generation, int Count)>(d => OnDemand(d.Generation, d.Count));
        _event = GetAsyncCallback<LinkEvent>(OnEvent);
        _executorLost = GetAsyncCallback<Exception>(OnExecutorLost);
        OnStart();
    }

    public void Bind(MediaLink link, int channel)
    {
        string? refusal;
        lock (_bindGate)
        {
            refusal = _stopped ? _stopReason : null;
            if (refusal is null)
            {
                _boundLink = link;
                _boundChannel = channel;
                link.Register(channel, new Handler(this, link, _generation));
                _bind!((link, channel));
                return;
            }
        }

        // The stage stopped before its channel was opened: the peer is told why instead of waiting forever.
        link.SendFailure(channel, refusal);
    }

    public bool Open(MediaLink link, int channel, string sessionId)
    {
        lock (_bindGate)
        {
            if (_stopped)
            {
                return false;
            }

            _boundLink = link;
            _boundChannel = channel;
            link.Register(channel, new Handler(this, link, _generation));
            link.SendOpen(channel, sessionId);
            _bind!((link, channel));
            return true;
        }
    }

    void ILinkStageControl.Fail(Exception cause) => _fail!(cause);

    void ILinkStageControl.ExecutorLost(Exception cause) => _executorLost!(cause);

    bool ILinkStageControl.PeerEnded => _peerEnded;

    public override void PostStop()
    {
        MediaLink? link;
        int channel;
        lock (_bindGate)
        {
            _stopped = true;
            _stopReason = Failure is null
                ? "The session had already ended when its channel was opened."
                : $"{Failure.GetType().Name}: {Failure.Message}";
            link = _boundLink;
            channel = _boundChannel;
        }

        // A channel registered by Bind or Open whose binding this stage never processed is told too.
        if (link is not null)
        {
            link.Unregister(channel);
            if (_link is null)
            {
                link.SendFailure(channel, _stopReason);
            }
            else if (!_done)
            {
                link.SendFailure(channel, "The remote stage was stopped by its peer.");
            }
        }

        _replay?.Clear();
        OnStopped();
    }

    /// <summary>Called once the stage has started: hand <c>this</c> to whoever binds it.</summary>
    protected abstract void OnStart();

    /// <summary>Called once when the stage has stopped, for whatever reason (<see cref="Failure"/> says which).</summary>
    protected virtual void OnStopped()
    {
    }

    /// <summary>
    /// Client side, from <see cref="OnStart"/>: the stage survives the loss of its executor, keeping at most
    /// <paramref name="maxUnacknowledged"/> inputs for replay (it waits for a checkpoint when it holds that many).
    /// </summary>
    protected void EnableFailover(int maxUnacknowledged)
    {
        if (!_isClient)
        {
            throw new InvalidOperationException("Only the client end of a channel replays its inputs.");
        }

        _replay = new ReplayBuffer(maxUnacknowledged);
    }

    /// <summary>
    /// With failover: the executor was lost (<paramref name="cause"/> says how) and the stage is now unbound, keeping
    /// its inputs and outputs: its owner places the session again and binds the stage with <see cref="Open"/>, or fails it.
    /// </summary>
    protected virtual void OnFailover(Exception cause)
    {
    }

    /// <summary>
    /// With failover: the new session answered after a failover; the stage replays <paramref name="replayed"/> inputs
    /// and drops the first <paramref name="skipped"/> outputs, <paramref name="elapsed"/> after the loss.
    /// </summary>
    protected virtual void OnResumed(TimeSpan elapsed, int replayed, long skipped)
    {
    }

    /// <summary>Called once, when the first credit from the peer arrives: the other end of the channel is bound and running.</summary>
    protected virtual void OnPeerAnswered()
    {
    }

    /// <summary>Called for each element this end sends to its peer, before it is sent.</summary>
    protected virtual void OnElementSent(TIn element)
    {
    }

    /// <summary>Called for each element the peer sent, as it is pushed downstream.</summary>
    protected virtual void OnElementReceived(TOut element)
    {
    }

    private void Fail(Exception cause)
    {
        Failure ??= cause;
        FailStage(cause);
    }

    private void DoBind(MediaLink link, int channel)
    {
        _link = link;
        _channel = channel;
        link.SendDemand(channel, Window);
        if (_replay is not null)
        {
            // A consumed output not yet granted back to the old session is granted in this one's window.
            _consumed = 0;
            Flush();
        }
        else if (IsClosed(_inlet))
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
        var element = Grab(_inlet);
        OnElementSent(element);
        if (_replay is not null)
        {
            // The buffer takes a reference of its own; the stage's goes back now. Sent at once unless failing over.
            _replay.Add(element!);
            (element as AudioFrame)?.Release();
            Flush();
            return;
        }

        _link!.SendData(_channel, element!);

        // The frame was handed over to this stage and its samples are now in the send buffer: its buffer can go back.
        (element as AudioFrame)?.Release();
        _credit--;
        PullIfCredit();
    }

    private void OnUpstreamFinish()
    {
        if (_link is null)
        {
            // Complete is sent on binding; an executor's stage whose session ended before binding finishes here.
            TryFinish();
            return;
        }

        if (_replay is not null)
        {
            // Complete follows the last input, once every input of the replay buffer is sent.
            Flush();
            TryFinish();
            return;
        }

        _link.SendComplete(_channel);
        TryFinish();
    }

    private void OnUpstreamFailure(Exception e)
    {
        _link?.SendFailure(_channel, $"{e.GetType().Name}: {e.Message}");
        _done = true;
        Fail(e);
    }

    private void OnPull()
    {
        if (_received.TryDequeue(out var next))
        {
            var element = (TOut)next;
            OnElementReceived(element);
            Push(_outlet, element);
            Consumed();
        }
        else if (_remoteCompleted)
        {
            Complete(_outlet);
            TryFinish();
        }
    }

    private void OnDownstreamFinish(Exception cause)
    {
        if (_link is null)
        {
            if (_isClient)
            {
                _done = true;
                CompleteStage();
            }
            else
            {
                // The executor's session ends before its channel is open (a kill cancels the stage's output first):
                // the stage waits for the node's end on its input, so that a late Open is answered with the real reason.
                TryFinish();
            }

            return;
        }

        _link.SendCancel(_channel);
        if (_isClient)
        {
            if (!IsClosed(_inlet))
            {
                Cancel(_inlet);
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

    /// <summary>One element of the peer's credit is used up here: granted back once half the window is.</summary>
    private void Consumed()
    {
        if (++_consumed >= Math.Max(1, Window / 2) && _link is not null)
        {
            _link.SendDemand(_channel, _consumed);
            _consumed = 0;
        }
    }

    private void OnData(int generation, List<object> elements)
    {
        if (generation != _generation)
        {
            // Read from a channel the stage has left for another executor: already counted or to be replayed.
            foreach (var element in elements)
            {
                (element as AudioFrame)?.Release();
            }

            return;
        }

        if (_replay is null)
        {
            foreach (var element in elements)
            {
                _received.Enqueue(element);
            }
        }
        else
        {
            foreach (var element in elements)
            {
                Received(element);
            }
        }

        if (IsAvailable(_outlet))
        {
            OnPull();
        }
    }

    /// <summary>With failover: an element from the session, which may be a checkpoint or an output already delivered.</summary>
    private void Received(object element)
    {
        if (element is StageCheckpoint checkpoint)
        {
            Consumed();

            // A resumed session's first outputs may still be ones the stage delivered before (those it is skipping):
            // the session has emitted every output the stage counts, less those it has yet to skip.
            if (checkpoint.Outputs != _outputsReceived - _skip)
            {
                Fail(new RemoteStageException(
                    $"The session's checkpoint counts {checkpoint.Outputs} outputs, but the stage has received {_outputsReceived - _skip} from it: client and executor are out of step.",
                    _link?.Peer));
                return;
            }

            _replaySent -= _replay!.Acknowledge(checkpoint.Inputs);
            _checkpoint = checkpoint;
            Flush();
            return;
        }

        if (_skip > 0)
        {
            // The old session delivered this output before it was lost.
            _skip--;
            (element as AudioFrame)?.Release();
            Consumed();
            return;
        }

        _outputsReceived++;
        _received.Enqueue(element);
    }

    /// <summary>
    /// With failover: sends what the session is owed, as far as credit goes: the checkpoint to resume from, the inputs
    /// kept and not yet sent on this channel, then Complete once upstream has finished; pulls when all is sent.
    /// </summary>
    private void Flush()
    {
        var replay = _replay!;
        if (_link is null)
        {
            return;
        }

        if (_checkpointToSend)
        {
            if (_credit == 0)
            {
                return;
            }

            _link.SendData(_channel, _checkpoint!);
            _checkpointToSend = false;
            _credit--;
        }

        while (_credit > 0 && _replaySent < replay.Count)
        {
            _link.SendData(_channel, replay[_replaySent++]);
            _credit--;
        }

        if (_replaySent < replay.Count)
        {
            return;
        }

        if (IsClosed(_inlet))
        {
            if (!_completeSent)
            {
                _completeSent = true;
                _link.SendComplete(_channel);
            }
        }
        else if (_credit > 0 && !replay.IsFull && !HasBeenPulled(_inlet))
        {
            Pull(_inlet);
        }
    }

    /// <summary>The executor is lost: fail over when the stage can, otherwise fail.</summary>
    private void OnExecutorLost(Exception cause)
    {
        if (_replay is not null && !_remoteCompleted)
        {
            BeginFailover(cause);
        }
        else if (!_remoteCompleted)
        {
            _done = true;
            Fail(cause);
        }
    }

    /// <summary>
    /// Leaves the lost session's channel (events still queued from it are ignored) and waits, unbound, to be opened on
    /// another executor; the owner is told. Outputs already received stay queued for downstream.
    /// </summary>
    private void BeginFailover(Exception cause)
    {
        MediaLink? left;
        int channel;
        lock (_bindGate)
        {
            left = _boundLink;
            channel = _boundChannel;
            if (_failingOver && left is null)
            {
                // Already waiting, unbound, for another executor.
                return;
            }

            _boundLink = null;
            _generation++;
        }

        // A failover may fail over again: the executor it moved to can die before it answers. The resume time
        // counts from the first loss.
        if (!_failingOver)
        {
            _failingOver = true;
            _failoverStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        if (left is not null)
        {
            // A session still running there (its node is alive but unreachable) stops rather than waiting for input.
            left.Unregister(channel);
            left.SendFailure(channel, "The client moved the session to another executor.");
        }

        _link = null;
        _credit = 0;
        _consumed = 0;
        _replaySent = 0;
        _completeSent = false;
        _peerAnswered = false;
        _peerEnded = false;
        _checkpointToSend = _checkpoint is not null;
        _skip = _outputsReceived - (_checkpoint?.Outputs ?? 0);
        OnFailover(cause);
    }

    /// <summary>The peer's credit may arrive before this stage has processed its own binding; it is kept until then.</summary>
    private void OnDemand(int generation, int count)
    {
        if (generation != _generation)
        {
            return;
        }

        _credit += count;
        if (!_peerAnswered)
        {
            _peerAnswered = true;
            if (_failingOver)
            {
                _failingOver = false;
                OnResumed(System.Diagnostics.Stopwatch.GetElapsedTime(_failoverStarted), _replay!.Count, _skip);
            }

            OnPeerAnswered();
        }

        PullIfCredit();
    }

    private void PullIfCredit()
    {
        if (_replay is not null)
        {
            Flush();
        }
        else if (_link is not null && _credit > 0 && !IsClosed(_inlet) && !HasBeenPulled(_inlet))
        {
            Pull(_inlet);
        }
    }

    private void OnEvent(LinkEvent e)
    {
        if (e.Generation != _generation)
        {
            // The end of a channel the stage has left for another executor.
            return;
        }

        switch (e.Kind)
        {
            case LinkEventKind.Complete:
                _remoteCompleted = true;
                if (_received.Count == 0 && !IsClosed(_outlet))
                {
                    Complete(_outlet);
                }

                TryFinish();
                break;
            case LinkEventKind.Cancel:
                if (!IsClosed(_inlet))
                {
                    Cancel(_inlet);
                    _link?.SendComplete(_channel);
                }

                TryFinish();
                break;
            case LinkEventKind.Failure:
                _done = true;
                Fail(new RemoteStageException(e.Message!, e.Peer));
                break;
            case LinkEventKind.Lost:
                if (_replay is not null && !_remoteCompleted)
                {
                    BeginFailover(LinkLost(e.Message!, e.Peer, e.Cause));
                    break;
                }

                _done = true;
                Fail(LinkLost(e.Message!, e.Peer, e.Cause));
                break;
        }
    }

    /// <summary>
    /// The failure of this stage when its link broke (the peer's process ended, the connection was reset): the link's
    /// own words name only the peer, so an end that knows more (the client's stage knows its node type) says it here.
    /// </summary>
    protected virtual Exception LinkLost(string message, string? peer, Exception? cause) => new RemoteStageException(message, peer, cause);

    private void TryFinish()
    {
        if (IsClosed(_inlet) && IsClosed(_outlet))
        {
            _done = true;
            CompleteStage();
        }
    }

    /// <summary>An end of the channel, from the link it was registered on: <paramref name="Peer"/> names that link's other end.</summary>
    private sealed record LinkEvent(LinkEventKind Kind, int Generation, string Peer, string? Message = null, Exception? Cause = null);

    /// <summary>
    /// Receives the channel's events on the link's receive thread. It knows the link it was registered on from its
    /// construction and reads no mutable field of the stage (whose binding may not be processed yet): it only
    /// invokes the stage's async callbacks, set once before any handler exists, and raises <see cref="_peerEnded"/>.
    /// </summary>
    private sealed class Handler(LinkChannelLogic<TIn, TOut> logic, MediaLink link, int generation) : ILinkChannel
    {
        public void OnData(List<object> elements) => logic._data!((generation, elements));

        public void OnDemand(int count) => logic._demand!((generation, count));

        public void OnComplete() => Ended(new LinkEvent(LinkEventKind.Complete, generation, link.Peer));

        public void OnFailure(string message) => Ended(new LinkEvent(LinkEventKind.Failure, generation, link.Peer, message));

        public void OnCancel() => Ended(new LinkEvent(LinkEventKind.Cancel, generation, link.Peer));

        public void OnLinkLost(Exception cause) =>
            Ended(new LinkEvent(LinkEventKind.Lost, generation, link.Peer, $"The link to {link.Peer} was lost: {cause.Message}", cause));

        private void Ended(LinkEvent e)
        {
            logic._peerEnded = true;
            logic._event!(e);
        }
    }
}
