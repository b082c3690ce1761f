using AkkaMedia.Frames;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// What a session has for its client, between the pipeline (and the receive loop) that add to it and the one send loop
/// that takes from it. Adding never waits: the pipeline is never held back by a slow or stalled client.
/// </summary>
/// <remarks>
/// <para>Audio packets are bounded (<c>akka-media.edge.outgoing-buffer</c>); when one more arrives the <b>oldest</b> is
/// dropped, counted, and reported by a <see cref="EdgeOutgoing.Dropped"/> handed out before the next item. Elements that
/// are not audio are bounded the same way with a larger allowance. Control messages and the end are never dropped.</para>
/// <para>Order: items come out in the order they were added, except that <c>urgent</c> controls (a pong) go ahead of
/// queued media. After <see cref="EdgeOutgoing.End"/> nothing else is handed out but urgent controls.</para>
/// <para>Thread safety: any thread may add; one reader takes. Disposed with its session.</para>
/// </remarks>
internal sealed class EdgeOutbox : IDisposable
{
    /// <summary>Elements that are not audio kept for a slow client, beyond which the oldest is dropped.</summary>
    public const int MaxElements = 1024;

    private readonly object _gate = new();
    private readonly int _maxPackets;
    private readonly Queue<(long Order, EdgeOutgoing Item)> _audio = new();
    private readonly Queue<(long Order, EdgeOutgoing Item)> _ordered = new();
    private readonly Queue<EdgeOutgoing> _urgent = new();
    private readonly Action<int>? _onDropped;
    private long _order;
    private int _droppedPackets;
    private int _droppedElements;
    private int _droppedIncoming;
    private int _elements;
    private bool _ended;
    private TaskCompletionSource? _waiter;
    private bool _cancellationBound;
    private CancellationTokenRegistration _cancellation;

    /// <summary>Creates an outbox keeping up to <paramref name="maxPackets"/> audio packets; <paramref name="onDropped"/> is told of every drop (packets, elements).</summary>
    public EdgeOutbox(int maxPackets, Action<int>? onDropped = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPackets);
        _maxPackets = maxPackets;
        _onDropped = onDropped;
    }

    /// <summary>Total audio packets dropped so far.</summary>
    public long TotalDroppedPackets { get; private set; }

    /// <summary>
    /// Adds a packet of audio, which the outbox owns from then on (a pooled frame is released when it is dropped, or by
    /// the endpoint once encoded); drops the oldest one when <c>maxPackets</c> are waiting.
    /// </summary>
    public void PostAudio(AudioFrame frame) => Post(new EdgeOutgoing.Audio(frame), audio: true);

    /// <summary>Adds an element that is not audio; drops the oldest one when <see cref="MaxElements"/> are waiting.</summary>
    public void PostElement(object element) => Post(new EdgeOutgoing.Element(element), audio: false);

    /// <summary>Adds a message of the endpoint's protocol: in order with media, or ahead of it when <paramref name="urgent"/>.</summary>
    public void PostControl(object message, bool urgent = false)
    {
        lock (_gate)
        {
            if (urgent)
            {
                _urgent.Enqueue(new EdgeOutgoing.Control(message));
            }
            else if (!_ended)
            {
                _ordered.Enqueue((_order++, new EdgeOutgoing.Control(message)));
            }

            Wake();
        }
    }

    /// <summary>
    /// Counts <paramref name="messages"/> of the client's audio dropped on the way in (the server fell behind real time),
    /// reported to the client with the next <see cref="EdgeOutgoing.Dropped"/> notice, ahead of the next item.
    /// </summary>
    public void ReportIncomingDropped(int messages)
    {
        lock (_gate)
        {
            _droppedIncoming += messages;
            Wake();
        }
    }

    /// <summary>Marks the end of the pipeline's output (the first call counts; later ones are ignored).</summary>
    public void PostEnd(Exception? failure)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _ordered.Enqueue((_order++, new EdgeOutgoing.End(failure)));
            Wake();
        }
    }

    /// <summary>Takes the next item, waiting until there is one. Every call must pass the same token (the connection's): it is registered once.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask<EdgeOutgoing> TakeAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled && !_cancellationBound)
        {
            // One registration for the outbox's life rather than one per wait: a wait per packet is the send loop's
            // normal state, and Task.WaitAsync(token) would allocate a task and a registration every time.
            _cancellationBound = true;
            _cancellation = cancellationToken.UnsafeRegister(static state => ((EdgeOutbox)state!).WakeUp(), this);
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task wait;
            lock (_gate)
            {
                if (TryTake(out var item))
                {
                    return item;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Takes the next item if there is one.</summary>
    public bool TryTake(out EdgeOutgoing item)
    {
        lock (_gate)
        {
            if (_urgent.TryDequeue(out item!))
            {
                return true;
            }

            if (_droppedPackets > 0 || _droppedElements > 0 || _droppedIncoming > 0)
            {
                item = new EdgeOutgoing.Dropped(_droppedPackets, _droppedElements, _droppedIncoming);
                _droppedPackets = 0;
                _droppedElements = 0;
                _droppedIncoming = 0;
                return true;
            }

            var hasAudio = _audio.TryPeek(out var audio);
            var hasOrdered = _ordered.TryPeek(out var ordered);
            if (hasAudio && (!hasOrdered || audio.Order < ordered.Order))
            {
                item = _audio.Dequeue().Item;
                return true;
            }

            if (hasOrdered)
            {
                item = _ordered.Dequeue().Item;
                if (item is EdgeOutgoing.Element)
                {
                    _elements--;
                }

                return true;
            }

            item = null!;
            return false;
        }
    }

    private void Post(EdgeOutgoing item, bool audio)
    {
        var dropped = 0;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            if (audio)
            {
                if (_audio.Count >= _maxPackets)
                {
                    // The outbox owned the dropped packet: its pooled buffer goes back.
                    ((EdgeOutgoing.Audio)_audio.Dequeue().Item).Frame.Release();
                    _droppedPackets++;
                    TotalDroppedPackets++;
                    dropped = 1;
                }

                _audio.Enqueue((_order++, item));
            }
            else
            {
                if (_elements >= MaxElements)
                {
                    DropOldestElement();
                }

                _ordered.Enqueue((_order++, item));
                _elements++;
            }

            Wake();
        }

        if (dropped > 0)
        {
            _onDropped?.Invoke(dropped);
        }
    }

    private void DropOldestElement()
    {
        // Rare (a client far behind a pipeline that emits an element per frame): rebuild the queue without its first element.
        var kept = new List<(long, EdgeOutgoing)>(_ordered.Count);
        var removed = false;
        while (_ordered.TryDequeue(out var entry))
        {
            if (!removed && entry.Item is EdgeOutgoing.Element)
            {
                removed = true;
                continue;
            }

            kept.Add(entry);
        }

        foreach (var entry in kept)
        {
            _ordered.Enqueue(entry);
        }

        _elements--;
        _droppedElements++;
    }

    /// <summary>Forgets the registration of the taker's token.</summary>
    public void Dispose() => _cancellation.Dispose();

    private void WakeUp()
    {
        lock (_gate)
        {
            Wake();
        }
    }

    private void Wake()
    {
        var waiter = _waiter;
        _waiter = null;
        waiter?.TrySetResult();
    }
}
