using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Remote.Transport;

/// <summary>
/// The client's end of a remote object's call channel on a <see cref="MediaLink"/>: numbers each call, sends it on the
/// channel and completes its task when the reply arrives. Calls cross no actor and no Akka.Remote message: the calling
/// thread writes the call (at once on a quiet link), the link's receive thread completes the reply.
/// </summary>
/// <remarks>
/// <para>Thread-safe: any number of callers. Each call's task completes asynchronously (never on the link's thread)
/// unless the channel was opened to complete inline (then continuations that do not ask for asynchrony run on the
/// link's receive thread, and must be short and never block: a relay that writes each reply on to another link), with
/// the <see cref="CallSucceeded"/> or <see cref="CallFailed"/> of the executor, or faults with
/// <see cref="RemoteObjectException"/> once the channel has ended: the executor ended the session or refused the
/// channel (its failure follows the replies of every call it ran, on the same connection), the link broke, or the
/// executor was found dead (<see cref="Fail"/>), or a reply could not be read (only this object's calls end; the link
/// goes on). Every call still waiting then fails at once; later calls fail without
/// being sent, as they do once the object is being disposed (<see cref="Refuse"/>).</para>
/// </remarks>
internal sealed class LinkCallClient : ILinkChannel
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<IObjectSessionMessage>> _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MediaLink _link;
    private readonly int _channel;
    private readonly string _executor;
    private readonly TaskCreationOptions _replyOptions;
    private string? _ended;
    private long _nextCall;

    /// <summary>Calls made and not yet answered or failed: <c>_pending</c>'s count, kept apart because reading that takes every lock of the dictionary.</summary>
    private int _outstanding;

    private LinkCallClient(MediaLink link, int channel, string executor, bool completeInline)
    {
        _link = link;
        _channel = channel;
        _executor = executor;
        _replyOptions = completeInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;
    }

    /// <summary>Registers <paramref name="channel"/> on <paramref name="link"/> and asks the executor to bind it to session <paramref name="sessionId"/>.</summary>
    /// <param name="link">The link the calls travel on.</param>
    /// <param name="channel">A channel number not in use on <paramref name="link"/>.</param>
    /// <param name="sessionId">The session the peer binds the channel to.</param>
    /// <param name="executor">Names the peer in error messages.</param>
    /// <param name="completeInline">
    /// True for a relay: a reply completes its call's task on the link's receive thread, so a synchronous continuation
    /// runs there without a thread hop. Its continuations must be short and never block.
    /// </param>
    public static LinkCallClient Open(MediaLink link, int channel, string sessionId, string executor, bool completeInline = false)
    {
        var client = new LinkCallClient(link, channel, executor, completeInline);
        link.Register(channel, client);
        link.SendOpen(channel, sessionId);
        return client;
    }

    /// <summary>Why the channel ended, or null while it carries calls.</summary>
    public string? Ended => Volatile.Read(ref _ended);

    /// <summary>
    /// Completes once the channel is over (<see cref="Close"/>): the executor ended it after the reply of the last call
    /// its session ran, so no code of the session runs any more.
    /// </summary>
    public Task Closed => _closed.Task;

    /// <summary>Sends <paramref name="request"/> (its call id is assigned here) and returns its reply.</summary>
    public Task<IObjectSessionMessage> CallAsync(IObjectSessionMessage request)
    {
        if (Ended is { } ended)
        {
            return Task.FromException<IObjectSessionMessage>(new RemoteObjectException(ended, _executor));
        }

        var id = Interlocked.Increment(ref _nextCall);
        var reply = new TaskCompletionSource<IObjectSessionMessage>(_replyOptions);
        _pending[id] = reply;
        var alone = Interlocked.Increment(ref _outstanding) == 1;

        // Ended meanwhile: the sweep of Fail may have passed before this call was added.
        if (Ended is { } endedNow && Take(id, out _))
        {
            return Task.FromException<IObjectSessionMessage>(new RemoteObjectException(endedNow, _executor));
        }

        // A lone call is written at once: its caller waits for nothing else. Calls with others in flight go out together.
        _link.SendCall(
            _channel,
            request switch
            {
                InvokeObject invoke => invoke with { CallId = id },
                GetObjectState => new GetObjectState(id),
                _ => throw new ArgumentException($"Not a call request: {request.GetType().Name}.", nameof(request)),
            },
            urgent: alone);
        return reply.Task;
    }

    /// <summary>Ends the channel with <paramref name="reason"/> (the first reason wins): every call waiting and every later one fails with it.</summary>
    public void Fail(string reason)
    {
        Interlocked.CompareExchange(ref _ended, reason, null);
        var error = Ended!;
        foreach (var id in _pending.Keys)
        {
            if (Take(id, out var waiting))
            {
                waiting.TrySetException(new RemoteObjectException(error, _executor));
            }
        }
    }

    /// <summary>
    /// Refuses every later call with <paramref name="reason"/> (the object is being disposed); calls already made still
    /// get their answers, or fail when the executor ends the channel after the last of them.
    /// </summary>
    public void Refuse(string reason) => Interlocked.CompareExchange(ref _ended, reason, null);

    /// <summary>The channel is over (the executor ended it, or its session is not used): every call still waiting fails and the channel is released.</summary>
    public void Close(string reason)
    {
        Fail(reason);
        _link.Unregister(_channel);
        _closed.TrySetResult();
    }

    void ILinkChannel.OnReply(ReadOnlySpan<byte> payload)
    {
        IObjectSessionMessage reply;
        try
        {
            reply = ObjectCallCodec.DecodeReply(payload);
        }
        catch (InvalidDataException e)
        {
            // Which call it answered is unknown: every call of this object fails, the link and its other sessions go on.
            Close($"A reply from executor {_executor} to a call of this remote object could not be read ({e.Message}); the object's calls end here.");
            return;
        }

        var id = reply switch
        {
            CallSucceeded done => done.CallId,
            CallFailed failed => failed.CallId,
            _ => 0,
        };
        if (Take(id, out var waiting))
        {
            waiting.TrySetResult(reply);
        }

        // The executor stops the session after a timeout: later calls fail here at once, saying why.
        if (reply is CallFailed { Failure: CallFailure.Timeout } timedOut)
        {
            Fail($"The session on executor {_executor} was stopped after a call timed out: {timedOut.RemoteMessage}");
        }
    }

    /// <summary>Removes call <paramref name="id"/> from those waiting; false when it was answered or failed already.</summary>
    private bool Take(long id, [NotNullWhen(true)] out TaskCompletionSource<IObjectSessionMessage>? waiting)
    {
        if (!_pending.TryRemove(id, out waiting))
        {
            return false;
        }

        Interlocked.Decrement(ref _outstanding);
        return true;
    }

    void ILinkChannel.OnFailure(string message) => Close($"The remote object's session on executor {_executor} ended: {message}");

    void ILinkChannel.OnLinkLost(Exception cause) => Fail($"The media link to executor {_executor} holding the remote object was lost: {cause.Message}");

    void ILinkChannel.OnComplete() => Close($"The remote object's session on executor {_executor} has ended.");

    void ILinkChannel.OnCancel() => Close($"The remote object's session on executor {_executor} has ended.");

    void ILinkChannel.OnData(List<object> elements) => throw new InvalidDataException("Stream elements arrived on a remote object's call channel.");

    void ILinkChannel.OnDemand(int count) => throw new InvalidDataException("Credit arrived on a remote object's call channel.");
}
