namespace AkkaMedia.Host.Hosting;

/// <summary>How a node finds the others when it is given no seeds (<c>--discovery</c>).</summary>
internal enum DiscoveryMethod
{
    /// <summary>A fixed list of management endpoints (<c>--discovery-endpoints</c>): local runs and compose files.</summary>
    Config,

    /// <summary>Pods labelled <c>app=&lt;service-name&gt;</c> in this pod's namespace, read from the Kubernetes API.</summary>
    Kubernetes,
}
