namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// The specs that run edge servers in this process, one class at a time: a server's <c>/metrics</c> exports every
/// <c>AkkaMedia.Edge</c> meter of the process (as a real <c>serve</c>, which has one), so a spec that reads its
/// <c>akkamedia_edge_*</c> figures must be the only one with a server running.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EdgeServers
{
    public const string Name = "edge servers";
}
