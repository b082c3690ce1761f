using AkkaMedia.Executor.Link;
using AkkaMedia.Remote;

namespace AkkaMedia.Executor.Sessions.Transports;

/// <summary>The transports an executor offers, by the name a session request gives; built once per executor.</summary>
internal sealed class SessionTransports
{
    private readonly ISessionTransport _streamRefs;
    private readonly ISessionTransport? _link;

    /// <param name="streamRefs">Always offered.</param>
    /// <param name="link">Null when the executor's media link is off (<c>akka-media.executor.link.enabled = off</c>).</param>
    /// <param name="linkServer">The link's server, which remote objects' call channels open on; null with the link off.</param>
    public SessionTransports(ISessionTransport streamRefs, ISessionTransport? link, LinkServer? linkServer = null)
    {
        _streamRefs = streamRefs;
        _link = link;
        LinkServer = linkServer;
    }

    /// <summary>Where remote objects' calls travel (<see cref="ObjectSessionActor"/>); null when the executor's media link is off.</summary>
    public LinkServer? LinkServer { get; }

    /// <summary>The transport for <paramref name="kind"/>, or null when this executor does not offer it (<paramref name="refusal"/> says what to do).</summary>
    public ISessionTransport? Find(RemoteTransport kind, string executor, out string? refusal)
    {
        var transport = kind switch
        {
            RemoteTransport.StreamRefs => _streamRefs,
            RemoteTransport.MediaLink => _link,
            _ => null,
        };
        refusal = transport is not null ? null
            : kind == RemoteTransport.MediaLink
                ? $"Executor {executor} has its media link turned off (akka-media.executor.link.enabled); use the StreamRefs transport."
                : $"Executor {executor} does not know transport {kind}; are client and executor on the same AkkaMedia version?";
        return transport;
    }
}
