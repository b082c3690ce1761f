using AkkaMedia.Host.Hosting;
using AkkaMedia.Samples.Tests.Processes;

namespace AkkaMedia.Host.Tests.Hosting;

/// <summary>
/// <c>--discovery config|kubernetes</c>: what it turns into (Cluster Bootstrap and Akka.Discovery settings) and the errors
/// that say what to fix before a node starts.
/// </summary>
public sealed class ClusterDiscoverySpec
{
    private static readonly string[] Executor = ["executor"];

    [Fact]
    public void Config_discovery_must_list_the_endpoints_and_require_all_of_them_before_a_new_cluster_forms()
    {
        var options = new ClusterNodeOptions("10.0.0.5", 4053, [], Executor, null)
        {
            Discovery = new ClusterDiscoveryOptions(DiscoveryMethod.Config, ["executor-1:8558", "executor-2:8558", "executor-3:8558"]),
        };

        var config = options.ToConfig("executor.conf");

        Assert.Equal("config", config.GetString("akka.discovery.method"));
        Assert.Equal(["executor-1:8558", "executor-2:8558", "executor-3:8558"], config.GetStringList("akka.discovery.config.services.akkamedia.endpoints"));
        Assert.Equal("akkamedia", config.GetString("akka.management.cluster.bootstrap.contact-point-discovery.service-name"));
        Assert.Equal("config", config.GetString("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
        Assert.Equal(3, config.GetInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        Assert.True(config.GetBoolean("akka.management.cluster.bootstrap.new-cluster-enabled"));
        Assert.False(config.GetBoolean("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
        Assert.Equal("10.0.0.5", config.GetString("akka.management.http.hostname"));
        Assert.Equal(8558, config.GetInt("akka.management.http.port"));
        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.True(options.JoinsCluster);
    }

    [Fact]
    public void Kubernetes_discovery_must_read_the_management_port_by_name_and_use_the_service_name_as_the_pod_label()
    {
        var options = new ClusterNodeOptions("10.1.2.3", 4053, [], Executor, null)
        {
            Discovery = new ClusterDiscoveryOptions(DiscoveryMethod.Kubernetes, []) { ServiceName = "media-executors", ManagementPort = 9558 },
        };

        var config = options.ToConfig("executor.conf");

        Assert.Equal("kubernetes-api", config.GetString("akka.discovery.method"));
        Assert.Equal("kubernetes-api", config.GetString("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
        Assert.Equal("media-executors", config.GetString("akka.management.cluster.bootstrap.contact-point-discovery.service-name"));
        Assert.Equal(ClusterDiscoveryOptions.ManagementPortName, config.GetString("akka.management.cluster.bootstrap.contact-point-discovery.port-name"));
        Assert.Equal(2, config.GetInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        Assert.Equal(9558, config.GetInt("akka.management.http.port"));
    }

    [Fact]
    public void A_client_must_join_a_cluster_that_executors_formed_and_never_form_one_of_its_own()
    {
        var options = new ClusterNodeOptions("127.0.0.1", 0, [], ["client"], null)
        {
            Discovery = new ClusterDiscoveryOptions(DiscoveryMethod.Config, ["127.0.0.1:8558"]) { NewClusterEnabled = false },
        };

        Assert.False(options.ToConfig("client.conf").GetBoolean("akka.management.cluster.bootstrap.new-cluster-enabled"));
    }

    [Theory]
    [InlineData("config", new string[0], null, "--discovery config needs --discovery-endpoints")]
    [InlineData("config", new[] { "executor-1" }, null, "'executor-1' is not a management endpoint: give host:port")]
    [InlineData("config", new[] { "executor-1:http" }, null, "is not a management endpoint")]
    [InlineData("config", new[] { "executor-1:70000" }, null, "is not a management endpoint")]
    [InlineData("config", new[] { "executor-1/status:8558" }, null, "is not a management endpoint")]
    [InlineData("config", new[] { "a:8558", "b:8558" }, 3, "--required-contacts must be between 1 and the 2 endpoint(s)")]
    [InlineData("kubernetes", new[] { "a:8558" }, null, "--discovery-endpoints is for --discovery config")]
    public void Discovery_must_refuse_settings_that_could_never_form_a_cluster_and_say_what_to_fix(string method, string[] endpoints, int? required, string message)
    {
        var options = new ClusterNodeOptions("127.0.0.1", 0, [], Executor, null)
        {
            Discovery = new ClusterDiscoveryOptions(method == "config" ? DiscoveryMethod.Config : DiscoveryMethod.Kubernetes, endpoints) { RequiredContacts = required },
        };

        var error = Assert.Throws<ArgumentException>(() => options.ToConfig("executor.conf"));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeds_and_discovery_together_must_be_refused()
    {
        var options = new ClusterNodeOptions("127.0.0.1", 0, ["127.0.0.1:4053"], Executor, null)
        {
            Discovery = new ClusterDiscoveryOptions(DiscoveryMethod.Config, ["127.0.0.1:8558"]),
        };

        var error = Assert.Throws<ArgumentException>(() => options.ToConfig("executor.conf"));

        Assert.Contains("either --seeds or --discovery", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node", "--discovery", "dns")]
    [InlineData("node", "--discovery-endpoints", "127.0.0.1:8558")]
    [InlineData("node", "--management-port", "9000")]
    [InlineData("serve", "--discovery-endpoints", "127.0.0.1:8558")]
    [InlineData("run", "--service-name", "media")]
    public async Task The_command_line_must_refuse_discovery_flags_that_cannot_be_used_with_exit_code_2(string command, string flag, string value)
    {
        string[] args = command switch
        {
            "node" => ["node", "--port", "0", flag, value],
            _ => [command, Path.Combine(TestRepository.Root, "hocon", "pipelines", command == "serve" ? "live-loopback.conf" : "echo.conf"), flag, value],
        };

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains("--discovery", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_must_not_take_the_flags_of_nodes_that_form_the_cluster()
    {
        var pipeline = Path.Combine(TestRepository.Root, "hocon", "pipelines", "echo.conf");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("run", pipeline, "--discovery", "config", "--discovery-endpoints", "127.0.0.1:8558", "--management-port", "8559");

        Assert.Equal(2, exitCode);
        Assert.Contains("--management-port", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubernetes_discovery_outside_a_pod_must_say_so_and_exit_1()
    {
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")), "these specs run outside Kubernetes");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync(
            "node", "--port", "0", "--admin-port", "0", "--discovery", "kubernetes", "--management-port", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, exitCode);
        Assert.Contains("KUBERNETES_SERVICE_HOST is not set", stderr, StringComparison.Ordinal);
        Assert.Contains("--discovery config or --seeds", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_discovery_must_carry_the_defaults_of_its_module()
    {
        var options = new ClusterNodeOptions("10.1.2.3", 4053, [], Executor, null)
        {
            Discovery = new ClusterDiscoveryOptions(DiscoveryMethod.Kubernetes, []),
        };

        var config = options.ToConfig("executor.conf");

        Assert.Equal("app={0}", config.GetString("akka.discovery.kubernetes-api.pod-label-selector"));
        Assert.Equal("KUBERNETES_SERVICE_HOST", config.GetString("akka.discovery.kubernetes-api.api-service-host-env-name"));
    }

    [Fact]
    public async Task A_node_whose_management_port_is_taken_must_say_so_and_exit_1()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync(
            "node", "--port", "0", "--admin-port", "0", "--discovery", "config", "--discovery-endpoints", $"127.0.0.1:{port}", "--management-port", port);

        Assert.Equal(1, exitCode);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.Contains("--management-port", stderr, StringComparison.Ordinal);
    }
}
