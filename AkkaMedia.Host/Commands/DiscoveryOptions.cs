using System.CommandLine;
using AkkaMedia.Host.Hosting;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// The flags of cluster formation without fixed seeds, shared by <c>node</c>, <c>serve</c> and <c>run</c>:
/// <c>--discovery config|kubernetes</c>, <c>--discovery-endpoints</c>, <c>--service-name</c>, and for nodes that may form
/// the cluster (<c>node</c>) <c>--management-port</c> and <c>--required-contacts</c>. Clients only join a cluster that
/// executors formed: they serve no contact point and wait for no quorum.
/// </summary>
internal sealed class DiscoveryOptions
{
    private readonly bool _formsCluster;

    private readonly Option<DiscoveryMethod?> _method = new("--discovery")
    {
        Description = "Find the cluster's nodes instead of naming --seeds: config (the endpoints of --discovery-endpoints) or kubernetes (pods labelled app=<service-name> in this pod's namespace). Nodes form the cluster through Akka.Management Cluster Bootstrap.",
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            switch (token.ToLowerInvariant())
            {
                case "config":
                    return DiscoveryMethod.Config;
                case "kubernetes":
                    return DiscoveryMethod.Kubernetes;
                default:
                    result.AddError($"--discovery must be config or kubernetes, not '{token}'.");
                    return null;
            }
        },
    };

    private readonly Option<string[]> _endpoints = new("--discovery-endpoints")
    {
        Description = "With --discovery config: the management endpoints (host:port, comma separated) of the nodes that may form the cluster, e.g. executor-1:8558,executor-2:8558.",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [],
    };

    private readonly Option<string> _serviceName = new("--service-name")
    {
        Description = "With --discovery: the name of the cluster's service (kubernetes: its pods carry the label app=<name>).",
        DefaultValueFactory = _ => ClusterDiscoveryOptions.DefaultServiceName,
    };

    private readonly Option<int> _managementPort = new("--management-port")
    {
        Description = "With --discovery: the port of this node's management HTTP endpoint, where the others probe it.",
        DefaultValueFactory = _ => ClusterDiscoveryOptions.DefaultManagementPort,
    };

    private readonly Option<int?> _requiredContacts = new("--required-contacts")
    {
        Description = "With --discovery: how many contact points must be found before a new cluster forms. Default: every endpoint (config), 2 (kubernetes).",
    };

    /// <param name="formsCluster">Whether the command's node may form a new cluster (and so serves a contact point).</param>
    public DiscoveryOptions(bool formsCluster)
    {
        _formsCluster = formsCluster;
        CommonOptions.Require(_managementPort, port => port is >= 1 and <= 65535, "--management-port must be between 1 and 65535.");
        CommonOptions.Require(_requiredContacts, n => n is null or >= 1, "--required-contacts must be at least 1.");
    }

    /// <summary>Adds the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_method);
        command.Options.Add(_endpoints);
        command.Options.Add(_serviceName);
        if (_formsCluster)
        {
            command.Options.Add(_managementPort);
            command.Options.Add(_requiredContacts);
        }

        command.Validators.Add(result =>
        {
            if (result.GetResult(_method) is null
                && (result.GetResult(_endpoints) is { Implicit: false } || result.GetResult(_serviceName) is { Implicit: false }
                    || (_formsCluster && (result.GetResult(_requiredContacts) is { Implicit: false } || result.GetResult(_managementPort) is { Implicit: false }))))
            {
                result.AddError(_formsCluster
                    ? "--discovery-endpoints, --service-name, --management-port and --required-contacts need --discovery config|kubernetes."
                    : "--discovery-endpoints and --service-name need --discovery config|kubernetes.");
            }
        });
    }

    /// <summary>The discovery asked for, or null without <c>--discovery</c> (the command validated the rest).</summary>
    public ClusterDiscoveryOptions? Read(ParseResult parse)
    {
        if (parse.GetValue(_method) is not { } method)
        {
            return null;
        }

        return new ClusterDiscoveryOptions(method, CommonOptions.Split(parse.GetValue(_endpoints)))
        {
            ServiceName = parse.GetValue(_serviceName)!,
            ManagementPort = _formsCluster ? parse.GetValue(_managementPort) : ClusterDiscoveryOptions.DefaultManagementPort,
            RequiredContacts = _formsCluster ? parse.GetValue(_requiredContacts) : null,
            NewClusterEnabled = _formsCluster,
        };
    }
}
