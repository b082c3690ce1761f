using System.Globalization;
using AkkaMedia.Client;

namespace AkkaMedia.Host.Hosting;

/// <summary>
/// Cluster formation without fixed seeds: Akka.Management serves this node's contact point over HTTP and Cluster
/// Bootstrap finds the others through <see cref="Method"/>, probes their contact points, and either joins the cluster
/// they already form or (when <see cref="NewClusterEnabled"/>, once <see cref="RequiredContacts"/> contact points agree
/// that none exists) lets the one with the lowest address start it and the rest join.
/// </summary>
/// <param name="Method">Where the contact points come from.</param>
/// <param name="Endpoints">
/// <see cref="DiscoveryMethod.Config"/>: the management endpoints (<c>host:port</c>) of the nodes that may form the cluster;
/// empty for <see cref="DiscoveryMethod.Kubernetes"/>.
/// </param>
internal sealed record ClusterDiscoveryOptions(DiscoveryMethod Method, IReadOnlyList<string> Endpoints)
{
    /// <summary>The service name when none is given: pods labelled <c>app=akkamedia</c>.</summary>
    public const string DefaultServiceName = "akkamedia";

    /// <summary>The management HTTP port when none is given (Akka.Management's own default).</summary>
    public const int DefaultManagementPort = 8558;

    /// <summary>The Kubernetes container port name the contact points are read from.</summary>
    public const string ManagementPortName = "management";

    /// <summary>Names the nodes of one cluster among the discovered services (<c>--service-name</c>).</summary>
    public string ServiceName { get; init; } = DefaultServiceName;

    /// <summary>This node's management HTTP port (<c>--management-port</c>), where the others probe it.</summary>
    public int ManagementPort { get; init; } = DefaultManagementPort;

    /// <summary>
    /// Contact points that must be found before a new cluster may form (<c>--required-contacts</c>); null = all of
    /// <see cref="Endpoints"/> for config discovery, 2 for Kubernetes.
    /// </summary>
    public int? RequiredContacts { get; init; }

    /// <summary>
    /// Whether this node may start a new cluster: executors may; <c>serve</c> and <c>run</c> only ever join one that
    /// executors formed, so a client started first waits instead of forming a cluster of its own.
    /// </summary>
    public bool NewClusterEnabled { get; init; } = true;

    /// <summary>What the node prints and reports where it would name its seeds.</summary>
    public string Describe() => Method switch
    {
        DiscoveryMethod.Config => $"config discovery of '{ServiceName}' at {string.Join(", ", Endpoints)}",
        _ => $"Kubernetes discovery of pods labelled app={ServiceName}",
    };

    /// <summary>The HOCON for Akka.Management, Cluster Bootstrap and Akka.Discovery.</summary>
    /// <param name="hostname">The address this node advertises; its contact point is served there.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message says which flag to fix.</exception>
    public string ToHocon(string hostname)
    {
        if (ManagementPort is < 1 or > 65535)
        {
            throw new ArgumentException($"--management-port must be between 1 and 65535 (the others probe this node there), not {ManagementPort}.");
        }

        if (string.IsNullOrWhiteSpace(ServiceName) || ServiceName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
        {
            throw new ArgumentException($"--service-name must be letters, digits, '-', '.' or '_' (a Kubernetes label value), not '{ServiceName}'.");
        }

        var endpoints = Endpoints.Select(ParseEndpoint).ToList();
        if (Method == DiscoveryMethod.Config && endpoints.Count == 0)
        {
            throw new ArgumentException("--discovery config needs --discovery-endpoints: the management endpoints (host:port) of the nodes that form the cluster, e.g. --discovery-endpoints 10.0.0.1:8558,10.0.0.2:8558.");
        }

        if (Method == DiscoveryMethod.Kubernetes && endpoints.Count > 0)
        {
            throw new ArgumentException("--discovery-endpoints is for --discovery config; --discovery kubernetes reads the pods from the Kubernetes API.");
        }

        var required = RequiredContacts ?? (Method == DiscoveryMethod.Config ? endpoints.Count : 2);
        if (required < 1 || (Method == DiscoveryMethod.Config && required > endpoints.Count))
        {
            throw new ArgumentException(Method == DiscoveryMethod.Config
                ? $"--required-contacts must be between 1 and the {endpoints.Count} endpoint(s) of --discovery-endpoints, not {required}: more could never be found."
                : $"--required-contacts must be at least 1, not {required}.");
        }

        var port = ManagementPort.ToString(CultureInfo.InvariantCulture);
        var method = Method == DiscoveryMethod.Config ? "config" : "kubernetes-api";
        var lines = new List<string>
        {
            $"akka.management.http {{ hostname = \"{hostname}\", port = {port}, bind-hostname = \"{hostname}\", bind-port = {port} }}",
            $"akka.discovery.method = {method}",
            "akka.management.cluster.bootstrap {",
            $"  new-cluster-enabled = {(NewClusterEnabled ? "on" : "off")}",
            "  contact-point-discovery {",
            $"    service-name = \"{ServiceName}\"",
            $"    discovery-method = {method}",
            $"    required-contact-point-nr = {required.ToString(CultureInfo.InvariantCulture)}",
            Method == DiscoveryMethod.Kubernetes ? $"    port-name = \"{ManagementPortName}\"" : string.Empty,
            "  }",
            // Config endpoints name their ports: keep every one, not only those on this node's own management port.
            Method == DiscoveryMethod.Config ? "  contact-point.filter-on-fallback-port = off" : string.Empty,
            "}",
        };
        if (Method == DiscoveryMethod.Config)
        {
            lines.Add($"akka.discovery.config.services.\"{ServiceName}\".endpoints = [{string.Join(", ", endpoints.Select(e => $"\"{e}\""))}]");
        }

        return string.Join('\n', lines);
    }

    private static string ParseEndpoint(string endpoint)
    {
        try
        {
            // The same rule an application's contact points follow: host:port, nothing more.
            ClusterContactPoints.Normalize(endpoint);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{endpoint}' is not a management endpoint: give host:port, e.g. executor-1:{DefaultManagementPort}.");
        }

        return endpoint.Trim();
    }
}
