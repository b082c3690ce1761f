using Akka.Actor;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;

namespace AkkaMedia.Host.Hosting;

/// <summary>How a started node becomes a member: by its seeds (in its configuration), by itself, or by bootstrap.</summary>
internal static class ClusterFormation
{
    /// <summary>
    /// Starts joining. With <see cref="ClusterNodeOptions.Discovery"/>: a node that may form the cluster serves its contact
    /// point (<see cref="ManagementEndpoint"/>, stopped when the actor system terminates); then Cluster Bootstrap joins or
    /// forms the cluster in the background. Without seeds or discovery and when <paramref name="selfJoin"/>:
    /// joins its own address, a new cluster of one. With seeds: nothing to do, the configuration's seed nodes are
    /// joined as the system starts.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The contact point could not listen (e.g. its port is taken), Kubernetes discovery outside a pod, or a discovery
    /// that could not start; the message says what to change.
    /// </exception>
    public static async Task StartAsync(ActorSystem system, ClusterNodeOptions options, bool selfJoin)
    {
        if (options.Discovery is { } discovery)
        {
            if (discovery.Method == DiscoveryMethod.Kubernetes)
            {
                var hostVariable = system.Settings.Config.GetString("akka.discovery.kubernetes-api.api-service-host-env-name", "KUBERNETES_SERVICE_HOST");
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(hostVariable)))
                {
                    throw new InvalidOperationException(
                        $"--discovery kubernetes reads the cluster's pods from the Kubernetes API, and {hostVariable} is not set: this process is not in a pod. Outside Kubernetes, use --discovery config or --seeds.");
                }
            }

            var self = new Uri($"http://{options.Hostname}:{discovery.ManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
            if (discovery.NewClusterEnabled)
            {
                // A node that may form the cluster is one of the contact points the others probe. A client only ever
                // joins: nobody probes it (it is not among the discovered endpoints), so it serves nothing.
                var endpoint = await ManagementEndpoint.StartAsync(system, options.Hostname, discovery.ManagementPort).ConfigureAwait(false);
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "stop-management-endpoint", async () =>
                {
                    await endpoint.DisposeAsync().ConfigureAwait(false);
                    return Akka.Done.Instance;
                });
                self = endpoint.BaseUri;
            }

            // Hands bootstrap its own contact point, as for routes bound by the application (the endpoint above
            // answers them); bootstrap waits for it before it starts probing.
            var bootstrap = ClusterBootstrap.Get(system);
            _ = bootstrap.Routes(ManagementRouteProviderSettings.Create(self, readOnly: true));
            try
            {
                await bootstrap.Start().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ArgumentException or Akka.Configuration.ConfigurationException or TypeLoadException)
            {
                throw new InvalidOperationException($"Cluster Bootstrap could not start its {discovery.Describe()}: {e.GetBaseException().Message}", e);
            }

            return;
        }

        if (options.Seeds.Count == 0 && selfJoin)
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            cluster.Join(cluster.SelfAddress);
        }
    }
}
