namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// Every container deploy/ starts (compose services, Kubernetes Deployments) speaks the entrypoint's contract: each
/// AKKAMEDIA_* variable it sets is one the entrypoint reads, and the entrypoint turns its whole environment into a
/// command line that carries every value.
/// </summary>
public sealed class DeployContainerSpec
{
    public static TheoryData<string> Containers => new(DeployContainer.All().Select(c => c.Where));

    [Fact]
    public void Deploy_must_start_containers_of_both_commands_from_compose_and_from_the_manifests()
    {
        Assert.Contains(DeployContainer.ComposeServices(), c => c.Command == "node");
        Assert.Contains(DeployContainer.ComposeServices(), c => c.Command == "serve");
        Assert.Contains(DeployContainer.KubernetesContainers(), c => c.Command == "node");
        Assert.Contains(DeployContainer.KubernetesContainers(), c => c.Command == "serve");
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task Container_must_set_only_variables_the_entrypoint_reads_and_start_with_all_of_them(string where)
    {
        var container = DeployContainer.All().Single(c => c.Where == where);
        var variables = container.Environment.Where(e => e.Key.StartsWith("AKKAMEDIA_", StringComparison.Ordinal)).ToDictionary();

        Assert.All(variables.Keys, name => Assert.True(EntrypointVariable.Names.Contains(name), $"{where} sets {name}, which deploy/entrypoint.sh does not read."));
        var run = await EntrypointRun.StartAsync(variables);

        Assert.True(run.ExitCode == 0, $"{where}: {run}");
        Assert.Equal(container.Command, run.Arguments[0]);
        Assert.All(
            EntrypointVariable.Flags.Where(v => variables.ContainsKey(v.Name)),
            v => Assert.True(run.ValueOf(v.Flag) == variables[v.Name], $"{where}: {v.Name}={variables[v.Name]} did not become {v.Flag}: {run}"));
    }
}
