using System.Text.Json.Nodes;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// A container that deploy/ starts from the image: a compose service or a container of a Kubernetes Deployment, with
/// the environment it gets (a pod IP from <c>fieldRef</c> as <see cref="DeployFiles.PodIp"/>).
/// </summary>
internal sealed record DeployContainer(string Where, JsonObject Definition, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Its <c>AKKAMEDIA_COMMAND</c>, or <c>node</c> (the entrypoint's default).</summary>
    public string Command => Environment.GetValueOrDefault("AKKAMEDIA_COMMAND", "node");

    /// <summary>Every compose service and every container of the Kubernetes Deployments.</summary>
    public static IReadOnlyList<DeployContainer> All() => [.. ComposeServices(), .. KubernetesContainers()];

    /// <summary>The services of deploy/compose.yaml.</summary>
    public static IReadOnlyList<DeployContainer> ComposeServices() =>
        DeployFiles.LoadYaml(DeployFiles.Compose).Single()["services"]!.AsObject()
            .Select(s => new DeployContainer($"compose service {s.Key}", s.Value!.AsObject(), DeployFiles.Scalars(s.Value, "environment")))
            .ToList();

    /// <summary>The containers of the Deployments in deploy/kubernetes.</summary>
    public static IReadOnlyList<DeployContainer> KubernetesContainers() =>
        DeployFiles.KubernetesResources()
            .Where(r => DeployFiles.Text(r.Resource, "kind") == "Deployment")
            .SelectMany(r => DeployFiles.Items(r.Resource, "spec.template.spec.containers").Select(c => new DeployContainer(
                $"{r.File}: Deployment {DeployFiles.Text(r.Resource, "metadata.name")}, container {DeployFiles.Text(c, "name")}",
                c!.AsObject(),
                DeployFiles.Items(c, "env").ToDictionary(e => DeployFiles.Text(e, "name"), KubernetesValue, StringComparer.Ordinal))))
            .ToList();

    /// <inheritdoc />
    public override string ToString() => Where;

    private static string KubernetesValue(JsonNode? variable) =>
        DeployFiles.At(variable, "value") is JsonValue value ? value.GetValue<string>()
        : DeployFiles.At(variable, "valueFrom.fieldRef.fieldPath") is JsonValue { } field && field.GetValue<string>() == "status.podIP" ? DeployFiles.PodIp
        : throw new InvalidDataException($"Environment variable {DeployFiles.Text(variable, "name")} has neither a value nor the pod IP.");
}
