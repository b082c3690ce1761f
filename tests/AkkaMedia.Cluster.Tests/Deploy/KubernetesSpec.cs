using System.Globalization;
using System.Text.Json.Nodes;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// The manifests of deploy/kubernetes, parsed and checked against each other and against the host: probes, ports,
/// grace periods, selectors, RBAC for pod discovery.
/// </summary>
public sealed class KubernetesSpec
{
    private const string Executor = "akkamedia-executor";
    private const string Serve = "akkamedia-serve";

    /// <summary>After the drain: at most 5 s for sessions to abort and 30 s to leave and stop (docs/operations.md).</summary>
    private static readonly TimeSpan LeaveAllowance = TimeSpan.FromSeconds(35);

    /// <summary>What serve needs to close its sessions and leave: the host gives it 20 s after the signal.</summary>
    private static readonly TimeSpan ServeStopAllowance = TimeSpan.FromSeconds(20);

    private static readonly IReadOnlyList<(string File, JsonObject Resource)> Resources = DeployFiles.KubernetesResources();

    public static TheoryData<string> Deployments => new(Executor, Serve);

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Deployment_must_probe_readiness_on_readyz_and_liveness_on_healthz_at_its_HTTP_port(string deployment)
    {
        var container = Container(deployment);
        var http = ContainerPort(container, "http");

        Assert.Equal("/readyz", DeployFiles.Text(container, "readinessProbe.httpGet.path"));
        Assert.Equal("/healthz", DeployFiles.Text(container, "livenessProbe.httpGet.path"));
        Assert.All(["readinessProbe", "livenessProbe", "startupProbe"], probe =>
        {
            if (DeployFiles.At(container, probe) is not null)
            {
                Assert.True(DeployFiles.Text(container, $"{probe}.httpGet.port") == "http", $"{deployment}: {probe} does not use the container port named http.");
            }
        });
        Assert.Equal(http, int.Parse(Env(deployment)["AKKAMEDIA_HTTP_PORT"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Executor_must_open_the_ports_its_environment_names()
    {
        var container = Container(Executor);
        var env = Env(Executor);

        Assert.Equal(int.Parse(env["AKKAMEDIA_PORT"], CultureInfo.InvariantCulture), ContainerPort(container, "remoting"));

        // Kubernetes discovery probes each pod on its container port named "management".
        Assert.Equal(int.Parse(env["AKKAMEDIA_MANAGEMENT_PORT"], CultureInfo.InvariantCulture), ContainerPort(container, "management"));
    }

    [Fact]
    public void Executor_must_get_time_to_drain_and_leave_before_the_pod_is_killed()
    {
        var deployment = DeployFiles.KubernetesResource("Deployment", Executor);
        var drain = TimeSpan.FromSeconds(double.Parse(Env(Executor)["AKKAMEDIA_DRAIN_TIMEOUT"], CultureInfo.InvariantCulture));
        var grace = TimeSpan.FromSeconds(DeployFiles.Number(deployment, "spec.template.spec.terminationGracePeriodSeconds"));

        Assert.True(grace >= PreStopSleep(Container(Executor)) + drain + LeaveAllowance, $"terminationGracePeriodSeconds {grace.TotalSeconds} < preStop + drain {drain.TotalSeconds} s + {LeaveAllowance.TotalSeconds} s.");
    }

    [Fact]
    public void Serve_must_get_time_to_leave_the_load_balancer_and_close_its_sessions_before_the_pod_is_killed()
    {
        var deployment = DeployFiles.KubernetesResource("Deployment", Serve);
        var preStop = PreStopSleep(Container(Serve));
        var grace = TimeSpan.FromSeconds(DeployFiles.Number(deployment, "spec.template.spec.terminationGracePeriodSeconds"));

        Assert.True(preStop > TimeSpan.Zero, "serve has no preStop pause: the Service would still send it connections while it closes.");
        Assert.True(grace >= preStop + ServeStopAllowance, $"terminationGracePeriodSeconds {grace.TotalSeconds} < preStop {preStop.TotalSeconds} s + {ServeStopAllowance.TotalSeconds} s.");
    }

    [Fact]
    public void Executors_alone_must_be_the_pods_that_Kubernetes_discovery_finds()
    {
        var executor = Env(Executor);
        var serve = Env(Serve);
        var service = executor["AKKAMEDIA_SERVICE_NAME"];

        Assert.All([executor, serve], env =>
        {
            Assert.Equal("kubernetes", env["AKKAMEDIA_DISCOVERY"]);
            Assert.Equal(service, env["AKKAMEDIA_SERVICE_NAME"]);
            Assert.Equal(DeployFiles.PodIp, env["AKKAMEDIA_HOSTNAME"]);
        });
        Assert.Equal(service, PodLabels(Executor)["app"]);
        Assert.NotEqual(service, PodLabels(Serve)["app"]);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Deployment_must_select_its_own_pods_and_run_them_as_a_non_root_user_without_service_links(string deployment)
    {
        var resource = DeployFiles.KubernetesResource("Deployment", deployment);

        Assert.True(Selects(DeployFiles.Scalars(resource, "spec.selector.matchLabels"), PodLabels(deployment)));
        Assert.Equal("true", DeployFiles.Text(resource, "spec.template.spec.securityContext.runAsNonRoot"));
        Assert.NotEqual("0", DeployFiles.Text(resource, "spec.template.spec.securityContext.runAsUser"));

        // Service links would put variables such as AKKAMEDIA_PORT=tcp://… (for a Service named akkamedia) into the pod.
        Assert.Equal("false", DeployFiles.Text(resource, "spec.template.spec.enableServiceLinks"));
    }

    [Fact]
    public void PodDisruptionBudget_must_cover_the_executor_pods_and_let_one_go_at_a_time()
    {
        var budget = Assert.Single(Resources, r => DeployFiles.Text(r.Resource, "kind") == "PodDisruptionBudget").Resource;

        Assert.True(Selects(DeployFiles.Scalars(budget, "spec.selector.matchLabels"), PodLabels(Executor)), "The PodDisruptionBudget does not select the executor pods.");
        Assert.False(Selects(DeployFiles.Scalars(budget, "spec.selector.matchLabels"), PodLabels(Serve)), "The PodDisruptionBudget selects serve pods too.");
        Assert.Equal(1, DeployFiles.Number(budget, "spec.maxUnavailable"));
    }

    [Fact]
    public void Services_must_select_the_pods_of_one_Deployment_and_target_its_named_ports()
    {
        var services = Resources.Where(r => DeployFiles.Text(r.Resource, "kind") == "Service").Select(r => r.Resource).ToList();

        Assert.Equal([Executor, Serve], services.Select(s => DeployFiles.Text(s, "metadata.name")).Order(StringComparer.Ordinal));
        Assert.All(services, service =>
        {
            var name = DeployFiles.Text(service, "metadata.name");
            var selector = DeployFiles.Scalars(service, "spec.selector");
            var selected = Assert.Single(new[] { Executor, Serve }, d => Selects(selector, PodLabels(d)));
            Assert.Equal(name, selected);
            Assert.All(DeployFiles.Items(service, "spec.ports"), port => ContainerPort(Container(selected), DeployFiles.Text(port, "targetPort")));
        });
        Assert.Equal("None", DeployFiles.Text(DeployFiles.KubernetesResource("Service", Executor), "spec.clusterIP"));
    }

    [Fact]
    public void Role_must_let_the_pods_service_account_get_list_and_watch_pods()
    {
        var binding = Assert.Single(Resources, r => DeployFiles.Text(r.Resource, "kind") == "RoleBinding").Resource;
        var role = DeployFiles.KubernetesResource("Role", DeployFiles.Text(binding, "roleRef.name"));
        var account = Assert.Single(DeployFiles.Items(binding, "subjects"));

        Assert.Equal("Role", DeployFiles.Text(binding, "roleRef.kind"));
        Assert.Contains(DeployFiles.Items(role, "rules"), rule =>
            Strings(rule, "apiGroups").SequenceEqual([string.Empty])
            && Strings(rule, "resources").Contains("pods")
            && new[] { "get", "list", "watch" }.All(Strings(rule, "verbs").Contains));
        Assert.Equal("ServiceAccount", DeployFiles.Text(account, "kind"));
        DeployFiles.KubernetesResource("ServiceAccount", DeployFiles.Text(account, "name"));
        Assert.All(new[] { Executor, Serve }, deployment =>
            Assert.Equal(DeployFiles.Text(account, "name"), DeployFiles.Text(DeployFiles.KubernetesResource("Deployment", deployment), "spec.template.spec.serviceAccountName")));
    }

    [Fact]
    public void Kustomization_must_list_every_manifest()
    {
        var kustomization = Assert.Single(DeployFiles.LoadYaml(Path.Combine(DeployFiles.Kubernetes, "kustomization.yaml")));
        var manifests = Resources.Select(r => r.File).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(manifests, Strings(kustomization, "resources").Order(StringComparer.Ordinal));
    }

    private static JsonNode Container(string deployment) =>
        Assert.Single(DeployFiles.Items(DeployFiles.KubernetesResource("Deployment", deployment), "spec.template.spec.containers"))!;

    /// <summary>The environment of the Deployment's container, the pod IP as <see cref="DeployFiles.PodIp"/>.</summary>
    private static IReadOnlyDictionary<string, string> Env(string deployment) =>
        DeployContainer.KubernetesContainers().Single(c => c.Where.Contains($"Deployment {deployment},", StringComparison.Ordinal)).Environment;

    private static IReadOnlyDictionary<string, string> PodLabels(string deployment) =>
        DeployFiles.Scalars(DeployFiles.KubernetesResource("Deployment", deployment), "spec.template.metadata.labels");

    /// <summary>The container port named <paramref name="name"/>; fails when the container has none.</summary>
    private static int ContainerPort(JsonNode container, string name) =>
        DeployFiles.Items(container, "ports").Where(p => DeployFiles.Text(p, "name") == name).Select(p => DeployFiles.Number(p, "containerPort")).ToList() switch
        {
            [var port] => port,
            _ => throw new Xunit.Sdk.XunitException($"Container {DeployFiles.Text(container, "name")} has no port named {name}."),
        };

    /// <summary>How long a <c>preStop: exec: sleep N</c> pauses the container before SIGTERM; zero without one.</summary>
    private static TimeSpan PreStopSleep(JsonNode container) =>
        Strings(container, "lifecycle.preStop.exec.command") is ["sleep", var seconds]
            ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture))
            : TimeSpan.Zero;

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static List<string> Strings(JsonNode? node, string path) => DeployFiles.Items(node, path).Select(i => i!.GetValue<string>()).ToList();
}
