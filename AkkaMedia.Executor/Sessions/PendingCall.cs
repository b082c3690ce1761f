using Akka.Actor;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// A call (or state snapshot) of a remote object's session waiting for its answer, and where that answer goes: the
/// media link's call channel or the calling actor. A class: calls are told apart by reference. Thread-safe to answer.
/// </summary>
internal sealed class PendingCall(IObjectSessionMessage request, ObjectCallEndpoint? endpoint, IActorRef? caller)
{
    public IObjectSessionMessage Request { get; } = request;

    /// <summary>The request's call id (0 for anything but a call or a state snapshot).</summary>
    public long CallId => ObjectInvoker.CallIdOf(Request);

    /// <summary>Sends <paramref name="reply"/> where the call came from; <paramref name="last"/> lets the link flush.</summary>
    public void Answer(IObjectSessionMessage reply, bool last = true)
    {
        if (endpoint is not null)
        {
            endpoint.Reply(reply, last);
        }
        else
        {
            caller!.Tell(reply, ActorRefs.NoSender);
        }
    }

    /// <summary>Answers each of <paramref name="calls"/> as rejected, with <paramref name="message"/>.</summary>
    public static void Reject(IEnumerable<PendingCall> calls, string message)
    {
        foreach (var call in calls)
        {
            call.Answer(new CallFailed(call.CallId, CallFailure.Rejected, typeof(ObjectDisposedException).FullName!, message, string.Empty));
        }
    }
}
