namespace AkkaMedia.Remote;

/// <summary>How the elements of a remote stage travel between client and executor.</summary>
public enum RemoteTransport
{
    /// <summary>
    /// One StreamRef pair per stage over Akka.Remote: nothing to open besides the actor system's own
    /// port; each element is one remote message (about ten thousand frames per second per node pair).
    /// </summary>
    StreamRefs = 0,

    /// <summary>
    /// The executor's media link: one TCP connection per client and executor node pair shared by all
    /// their stages, credit-based backpressure per stage, frames of many stages coalesced into few
    /// writes when busy. For high frame rates and many concurrent streams; needs the executor's link
    /// port reachable. The default (<c>akka-media.remote.transport = link</c>).
    /// </summary>
    MediaLink = 1,
}
