using System.ComponentModel;
using AkkaMedia.Remote;

namespace AkkaMedia.Protocol;

/// <summary>The one spelling of each transport in logs, spans, metrics and admin listings, on clients and executors alike.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TransportNames
{
    /// <summary><c>streamrefs</c> or <c>link</c>.</summary>
    public static string Of(RemoteTransport transport) => transport == RemoteTransport.StreamRefs ? "streamrefs" : "link";
}
