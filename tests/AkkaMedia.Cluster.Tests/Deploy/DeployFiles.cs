using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>The repository's <c>deploy/</c> files, read as the tools that consume them read them.</summary>
internal static class DeployFiles
{
    /// <summary>What the specs put where Kubernetes substitutes a pod's IP (<c>fieldRef: status.podIP</c>).</summary>
    public const string PodIp = "10.0.0.7";

    public static string Folder { get; } = Path.Combine(TestPaths.RepositoryRoot, "deploy");

    public static string Entrypoint { get; } = Path.Combine(Folder, "entrypoint.sh");

    public static string Dockerfile { get; } = Path.Combine(Folder, "Dockerfile");

    public static string Compose { get; } = Path.Combine(Folder, "compose.yaml");

    public static string Kubernetes { get; } = Path.Combine(Folder, "kubernetes");

    /// <summary>
    /// Every document of the YAML file at <paramref name="path"/>, with anchors, aliases and merge keys (<c>&lt;&lt;</c>)
    /// resolved as compose resolves them. Mappings become <see cref="JsonObject"/>s, sequences <see cref="JsonArray"/>s
    /// and every scalar a string (<c>4053</c> and <c>"4053"</c> alike).
    /// </summary>
    public static IReadOnlyList<JsonObject> LoadYaml(string path)
    {
        using var reader = File.OpenText(path);
        var parser = new MergingParser(new Parser(reader));
        var deserializer = new DeserializerBuilder().Build();
        var documents = new List<JsonObject>();
        parser.Consume<StreamStart>();
        while (!parser.TryConsume<StreamEnd>(out _))
        {
            var document = deserializer.Deserialize<object?>(parser);
            if (document is not null)
            {
                documents.Add(ToJson(document) as JsonObject ?? throw new InvalidDataException($"{path}: a document is not a mapping."));
            }
        }

        return documents;
    }

    /// <summary>The manifests of <c>deploy/kubernetes</c> (every file but the kustomization), each with its file name.</summary>
    public static IReadOnlyList<(string File, JsonObject Resource)> KubernetesResources() =>
        Directory.GetFiles(Kubernetes, "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Order(StringComparer.Ordinal)
            .SelectMany(f => LoadYaml(f).Select(r => (Path.GetFileName(f), r)))
            .ToList();

    /// <summary>The one Kubernetes resource of <paramref name="kind"/> named <paramref name="name"/>.</summary>
    public static JsonObject KubernetesResource(string kind, string name) =>
        KubernetesResources().Select(r => r.Resource).Where(r => Text(r, "kind") == kind && Text(r, "metadata.name") == name).ToList() switch
        {
            [var one] => one,
            var found => throw new InvalidDataException($"deploy/kubernetes has {found.Count} {kind} named {name}, not one."),
        };

    /// <summary>The node at <paramref name="path"/> (dot separated keys) under <paramref name="node"/>, or null.</summary>
    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var key in path.Split('.'))
        {
            node = node is JsonObject map && map.TryGetPropertyValue(key, out var child) ? child : null;
        }

        return node;
    }

    /// <summary>The scalar at <paramref name="path"/>; fails naming the path when there is none.</summary>
    public static string Text(JsonNode? node, string path) =>
        At(node, path) is JsonValue value ? value.GetValue<string>() : throw new InvalidDataException($"No scalar at {path} in {node?.ToJsonString()}.");

    /// <summary>The scalar at <paramref name="path"/> as a number; fails naming the path when it is not one.</summary>
    public static int Number(JsonNode? node, string path) =>
        int.TryParse(Text(node, path), out var number) ? number : throw new InvalidDataException($"{path} is '{Text(node, path)}', not a whole number.");

    /// <summary>The items of the sequence at <paramref name="path"/>; empty when there is none.</summary>
    public static IReadOnlyList<JsonNode?> Items(JsonNode? node, string path) => At(node, path) is JsonArray array ? [.. array] : [];

    /// <summary>The entries of the mapping at <paramref name="path"/> whose values are scalars.</summary>
    public static IReadOnlyDictionary<string, string> Scalars(JsonNode? node, string path) =>
        At(node, path) is JsonObject map
            ? map.Where(e => e.Value is JsonValue).ToDictionary(e => e.Key, e => e.Value!.GetValue<string>(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        IDictionary<object, object?> map => new JsonObject(map.Select(e => KeyValuePair.Create(e.Key.ToString()!, ToJson(e.Value)))),
        IList<object?> list => new JsonArray([.. list.Select(ToJson)]),
        _ => throw new InvalidDataException($"Unexpected YAML value {value.GetType()}."),
    };
}
