using System.ComponentModel;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// The executor's end of a remote object's call channel on a <see cref="MediaLink"/>: calls the client sends on the
/// channel come out of <c>onCall</c>, replies go back on it. One client opens one channel per object session.
/// </summary>
/// <remarks>
/// <para><c>onCall</c> runs on the link's receive thread, once per call, in the order the client sent them; it must
/// only queue the call. <see cref="Reply"/> and <see cref="End"/> may be called from any thread.</para>
/// <para>A call that cannot be read ends this endpoint (as <see cref="End"/> does, saying why): the client's calls on
/// it fail, and the link and its other channels go on. A link message on the channel that is neither a call nor the
/// client's end of it (data, credit) is a protocol error: the link closes. When the client's link breaks, calls stop arriving; the session's own lifetime
/// (the client's DeathWatch, its close) decides when it ends.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ObjectCallEndpoint
{
    private readonly Action<IObjectSessionMessage> _onCall;
    private readonly object _gate = new();
    private MediaLink? _link;
    private int _channel;
    private string? _ended;

    /// <param name="onCall">Takes each call (an <see cref="InvokeObject"/> or <see cref="GetObjectState"/>) on the link's receive thread; must return quickly.</param>
    public ObjectCallEndpoint(Action<IObjectSessionMessage> onCall)
    {
        _onCall = onCall;
    }

    /// <summary>
    /// The client opened <paramref name="channel"/> of <paramref name="link"/> for this session. After <see cref="End"/>,
    /// or when a channel is already bound, the channel is refused with a failure saying why.
    /// </summary>
    public void Bind(MediaLink link, int channel)
    {
        ArgumentNullException.ThrowIfNull(link);
        string? refusal;
        lock (_gate)
        {
            refusal = _ended ?? (_link is not null ? "This remote object's session already has a call channel." : null);
            if (refusal is null)
            {
                _link = link;
                _channel = channel;
                link.Register(channel, new Handler(this));
            }
        }

        if (refusal is not null)
        {
            link.SendFailure(channel, refusal);
        }
    }

    /// <summary>
    /// Sends <paramref name="reply"/> (a <see cref="CallSucceeded"/> or <see cref="CallFailed"/>) to the client; dropped
    /// when no channel is bound, after <see cref="End"/> or once the link is closed. <paramref name="last"/> says no other
    /// call is queued behind it: the reply is then written at once, since the client waits for it; replies with more to
    /// come go out together.
    /// </summary>
    public void Reply(IObjectSessionMessage reply, bool last = true)
    {
        MediaLink? link;
        int channel;
        lock (_gate)
        {
            link = _ended is null ? _link : null;
            channel = _channel;
        }

        link?.SendReply(channel, reply, urgent: last);
    }

    /// <summary>
    /// The session has ended: the client's calls still waiting fail with <paramref name="reason"/>, the channel is
    /// released and a late open is refused with it. Idempotent.
    /// </summary>
    public void End(string reason)
    {
        MediaLink? link;
        int channel;
        lock (_gate)
        {
            if (_ended is not null)
            {
                return;
            }

            _ended = reason;
            link = _link;
            channel = _channel;
        }

        if (link is not null)
        {
            link.Unregister(channel);
            link.SendFailure(channel, reason);
        }
    }

    private sealed class Handler(ObjectCallEndpoint endpoint) : ILinkChannel
    {
        public void OnCall(ReadOnlySpan<byte> payload)
        {
            IObjectSessionMessage call;
            try
            {
                call = ObjectCallCodec.DecodeRequest(payload);
            }
            catch (InvalidDataException e)
            {
                // Only this object's calls end: the link and every other session on it go on.
                endpoint.End($"The executor could not read a call of this remote object ({e.Message}); its call channel is closed.");
                return;
            }

            endpoint._onCall(call);
        }

        public void OnData(List<object> elements) => throw new InvalidDataException("Stream elements arrived on a remote object's call channel.");

        public void OnDemand(int count) => throw new InvalidDataException("Credit arrived on a remote object's call channel.");

        public void OnComplete()
        {
        }

        public void OnFailure(string message)
        {
        }

        public void OnCancel()
        {
        }

        public void OnLinkLost(Exception cause)
        {
        }
    }
}
