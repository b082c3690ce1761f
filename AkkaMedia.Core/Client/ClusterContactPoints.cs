using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;

namespace AkkaMedia.Client;

/// <summary>
/// Joins the cluster that formed through Cluster Bootstrap (<c>akkamedia node --discovery</c>) without knowing its seeds:
/// asks the nodes' contact points (their management endpoints, <c>host:port</c>, default port 8558) for the cluster's
/// members over HTTP (<c>GET /bootstrap/seed-nodes</c>) and joins those. A contact point may be a name that resolves to
/// several nodes, such as a Kubernetes headless Service (<c>akkamedia-executor:8558</c>): any one that answers will do.
/// A client only ever joins: it never forms a cluster of its own and serves no contact point.
/// </summary>
public static class ClusterContactPoints
{
    /// <summary>How often the contact points are asked again while none of them knows a cluster.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>How long one contact point may take to answer.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Normalizes a contact point given as <c>host:port</c> into the base URI it is asked at.
    /// </summary>
    /// <exception cref="ArgumentException">It is not <c>host:port</c>; the message shows the accepted form.</exception>
    public static Uri Normalize(string contactPoint)
    {
        ArgumentNullException.ThrowIfNull(contactPoint);
        var text = contactPoint.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || text.Contains("://", StringComparison.Ordinal)
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535
            || !Uri.TryCreate($"http://{text}/", UriKind.Absolute, out var uri)
            || uri.Port != port || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ArgumentException($"Contact point '{contactPoint}' is not valid: give a node's management endpoint as host:port, e.g. 10.0.0.5:8558.", nameof(contactPoint));
        }

        return uri;
    }

    /// <summary>
    /// Asks <paramref name="contactPoints"/> for the members of their cluster, every second until one answers with
    /// members, and has <paramref name="system"/> join them (<see cref="Cluster.JoinSeedNodes"/>). Completes when the join
    /// has been asked for, not when this node is up.
    /// </summary>
    /// <returns>The member addresses joined.</returns>
    /// <exception cref="ArgumentException">No contact point, or one that is not <c>host:port</c>.</exception>
    /// <exception cref="TimeoutException">None answered with members within <paramref name="timeout"/>; the message names each contact point and what it answered last.</exception>
    public static async Task<IReadOnlyList<Address>> JoinAsync(ActorSystem system, IReadOnlyList<string> contactPoints, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(contactPoints);
        if (contactPoints.Count == 0)
        {
            throw new ArgumentException("No contact points: give the management endpoint (host:port) of at least one cluster node started with --discovery.", nameof(contactPoints));
        }

        var uris = contactPoints.Select(Normalize).ToList();
        var last = new Dictionary<Uri, string>();
        using var http = new HttpClient { Timeout = RequestTimeout };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                foreach (var uri in uris)
                {
                    try
                    {
                        var json = await http.GetStringAsync(new Uri(uri, "bootstrap/seed-nodes"), deadline.Token).ConfigureAwait(false);
                        var members = UpMembers(json, system.Name);
                        if (members.Count > 0)
                        {
                            Cluster.Get(system).JoinSeedNodes(members);
                            return members;
                        }

                        last[uri] = "no cluster yet";
                    }
                    catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException
                                              || (e is TaskCanceledException && !deadline.IsCancellationRequested))
                    {
                        last[uri] = e is TaskCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : e.GetBaseException().Message;
                    }
                }

                await Task.Delay(Retry, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var answers = string.Join("; ", uris.Select(u => $"{u.Authority}: {last.GetValueOrDefault(u, "not asked yet")}"));
            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture,
                $"No contact point answered with the members of a cluster within {timeout.TotalSeconds:0.#} s ({answers}). Check that nodes run with --discovery and serve their contact point (--management-port) at these addresses."));
        }
    }

    /// <summary>The Up and WeaklyUp members of actor system <paramref name="systemName"/> in a contact point's answer.</summary>
    private static List<Address> UpMembers(string json, string systemName)
    {
        using var document = JsonDocument.Parse(json);
        var members = new List<Address>();
        foreach (var member in document.RootElement.GetProperty("Nodes").EnumerateArray())
        {
            // MemberStatus as a number in the contact point's JSON; Joining members are not joined through.
            var status = member.GetProperty("Status").GetInt32();
            var node = member.GetProperty("Node");
            var address = new Address(
                node.GetProperty("Protocol").GetString()!,
                node.GetProperty("System").GetString()!,
                node.GetProperty("Host").GetString(),
                node.GetProperty("Port").GetInt32());
            if (status is (int)MemberStatus.Up or (int)MemberStatus.WeaklyUp && address.System == systemName)
            {
                members.Add(address);
            }
        }

        return members;
    }
}
