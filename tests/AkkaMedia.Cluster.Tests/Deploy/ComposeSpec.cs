namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>deploy/compose.yaml as compose reads it (anchors and merge keys resolved): its services, ports, health checks and stop grace.</summary>
public sealed class ComposeSpec
{
    /// <summary>
    /// What a node needs after its drain: at most 5 s for sessions to abort and 30 s to leave and stop
    /// (docs/operations.md, "Graceful shutdown (drain)").
    /// </summary>
    private static readonly TimeSpan LeaveAllowance = TimeSpan.FromSeconds(35);

    /// <summary>What serve needs to close its sessions and leave: the host gives it 20 s after the signal.</summary>
    private static readonly TimeSpan ServeStopAllowance = TimeSpan.FromSeconds(20);

    private static readonly IReadOnlyList<DeployContainer> Services = DeployContainer.ComposeServices();

    private static IEnumerable<DeployContainer> Executors => Services.Where(s => s.Command == "node");

    [Fact]
    public void Compose_must_run_one_serve_on_a_published_port_and_several_executors()
    {
        var serve = Assert.Single(Services, s => s.Command == "serve");
        var port = serve.Environment["AKKAMEDIA_HTTP_PORT"];

        Assert.True(Executors.Count() >= 2, "compose.yaml runs fewer than two executors.");
        Assert.All(Executors, e => Assert.Equal("executor", e.Environment["AKKAMEDIA_ROLES"]));
        Assert.Contains($"{port}:{port}", DeployFiles.Items(serve.Definition, "ports").Select(p => p!.GetValue<string>()));
        Assert.Equal("/app/pipelines/live-echo.conf", serve.Environment["AKKAMEDIA_PIPELINE"]);
        Assert.True(File.Exists(Path.Combine(TestPaths.RepositoryRoot, "hocon", "pipelines", Path.GetFileName(serve.Environment["AKKAMEDIA_PIPELINE"]))));
    }

    [Fact]
    public void Compose_must_let_every_node_discover_the_executors_by_the_names_they_advertise()
    {
        var endpoints = Executors.Select(e => $"{e.Definition.GetPropertyName()}:{e.Environment["AKKAMEDIA_MANAGEMENT_PORT"]}").ToList();

        Assert.All(Services, s =>
        {
            var name = s.Definition.GetPropertyName();
            Assert.Equal(name, s.Environment["AKKAMEDIA_HOSTNAME"]);
            Assert.Equal("config", s.Environment["AKKAMEDIA_DISCOVERY"]);
            Assert.Equal(endpoints, s.Environment["AKKAMEDIA_DISCOVERY_ENDPOINTS"].Split(','));
        });
    }

    [Fact]
    public void Compose_must_check_readiness_on_the_HTTP_port_of_each_service()
    {
        Assert.All(Services, s =>
        {
            var test = string.Join(' ', DeployFiles.Items(s.Definition, "healthcheck.test").Select(w => w!.GetValue<string>()));
            Assert.Contains($"http://127.0.0.1:{s.Environment["AKKAMEDIA_HTTP_PORT"]}/readyz", test, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Compose_must_give_each_node_time_to_stop_before_it_is_killed()
    {
        Assert.All(Services, s =>
        {
            var grace = Duration(DeployFiles.Text(s.Definition, "stop_grace_period"));
            var needed = s.Command == "node"
                ? TimeSpan.FromSeconds(double.Parse(s.Environment["AKKAMEDIA_DRAIN_TIMEOUT"], System.Globalization.CultureInfo.InvariantCulture)) + LeaveAllowance
                : ServeStopAllowance;
            Assert.True(grace >= needed, $"{s}: stop_grace_period {grace.TotalSeconds} s is shorter than the {needed.TotalSeconds} s it needs to stop.");
        });
    }

    [Fact]
    public void Compose_must_build_the_image_from_the_repository_with_deploy_Dockerfile()
    {
        Assert.All(Services, s =>
        {
            var context = Path.GetFullPath(Path.Combine(DeployFiles.Folder, DeployFiles.Text(s.Definition, "build.context")));
            Assert.Equal(Path.TrimEndingDirectorySeparator(Path.GetFullPath(TestPaths.RepositoryRoot)), Path.TrimEndingDirectorySeparator(context));
            Assert.Equal(DeployFiles.Dockerfile, Path.Combine(context, DeployFiles.Text(s.Definition, "build.dockerfile")));
        });
    }

    /// <summary>A compose duration such as <c>75s</c>, <c>1m30s</c>.</summary>
    private static TimeSpan Duration(string text)
    {
        var total = TimeSpan.Zero;
        foreach (System.Text.RegularExpressions.Match part in System.Text.RegularExpressions.Regex.Matches(text, @"(\d+)(h|ms|m|s)"))
        {
            var n = int.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                _ => TimeSpan.FromMilliseconds(n),
            };
        }

        return total;
    }
}
