using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;

namespace AkkaMedia.Host.Pipelines;

/// <summary>
/// A pipeline described in a HOCON file:
/// <code>
/// pipeline {
///   source { type = wav-file, path = "in.wav" }
///   stages = [ { type = Gain, gain = 0.8 }, { type = Echo, delay = 250ms, decay = 0.5, remote = true } ]
///   sink { type = wav-file, path = "out.wav" }
/// }
/// </code>
/// Stage types come from the node registry; <c>remote = true</c> runs a stage on an executor, and <c>failover = true</c>
/// beside it moves that stage to another executor, from its last checkpoint, when its own executor dies.
/// </summary>
internal sealed record PipelineDefinition(string FilePath, PipelineEndpoint Source, IReadOnlyList<PipelineStageDefinition> Stages, PipelineEndpoint Sink)
{
    /// <summary>Reads and checks a pipeline file; <paramref name="input"/> and <paramref name="output"/> replace the source and sink paths.</summary>
    /// <exception cref="PipelineFileException">The file is missing or malformed, or names an unknown type or key; the message says where.</exception>
    public static PipelineDefinition Load(string path, NodeRegistry registry, string? input = null, string? output = null)
    {
        if (!File.Exists(path))
        {
            throw new PipelineFileException($"Pipeline file '{path}' does not exist.");
        }

        return Parse(File.ReadAllText(path), path, registry, input, output);
    }

    /// <summary>Checks the text of a pipeline file read from <paramref name="path"/> (named in messages); see <see cref="Load"/>.</summary>
    /// <exception cref="PipelineFileException">The text is malformed, or names an unknown type or key; the message says where.</exception>
    internal static PipelineDefinition Parse(string text, string path, NodeRegistry registry, string? input = null, string? output = null)
    {
        Config root;
        try
        {
            root = HoconText.Parse(text, path);
        }
        catch (FormatException e)
        {
            throw new PipelineFileException(e.Message, e);
        }

        var reader = new Reader(path, text);
        reader.OnlyKeys(root, "", ["pipeline"]);
        if (!root.HasPath("pipeline"))
        {
            throw new PipelineFileException($"{path}: no 'pipeline {{ source, stages, sink }}' block.");
        }

        if (!root.GetValue("pipeline").IsObject())
        {
            throw new PipelineFileException($"{path}, line {reader.LineOf("pipeline")}: 'pipeline' must be a block: pipeline {{ source, stages, sink }}.");
        }

        var pipeline = root.GetConfig("pipeline");
        reader.OnlyKeys(pipeline, "pipeline", ["source", "stages", "sink"]);
        var source = reader.Endpoint(pipeline, "source", PipelineEndpoints.Sources.ToDictionary(kv => kv.Key, kv => (kv.Value.Element, kv.Value.Keys), StringComparer.OrdinalIgnoreCase), input);
        var sink = reader.Endpoint(pipeline, "sink", PipelineEndpoints.Sinks.ToDictionary(kv => kv.Key, kv => (kv.Value.Element, kv.Value.Keys), StringComparer.OrdinalIgnoreCase), output);
        source = source with { CreateSource = PipelineEndpoints.Sources[source.Type].Create };
        sink = sink with { CreateSink = PipelineEndpoints.Sinks[sink.Type].Create };

        var stages = new List<PipelineStageDefinition>();
        var elementType = source.ElementType;
        if (pipeline.HasPath("stages") && !pipeline.GetValue("stages").IsArray())
        {
            throw new PipelineFileException($"{path}, line {reader.LineOf("stages")}: 'stages' must be a list: stages = [ {{ type = Gain, gain = 0.5 }} ].");
        }

        var values = pipeline.HasPath("stages") ? pipeline.GetValue("stages").GetArray() : [];
        for (var i = 0; i < values.Count; i++)
        {
            var stage = reader.Stage(values[i], i, registry);
            if (!stage.Descriptor.InputType.IsAssignableFrom(elementType))
            {
                throw new PipelineFileException(
                    $"{path}, line {reader.LineOf("type", stage.Descriptor.TypeName)}: stage {i + 1} ({stage.Descriptor.TypeName}) takes {stage.Descriptor.InputType.Name} but receives {elementType.Name}.");
            }

            if (stage.Descriptor.OutputType != typeof(object))
            {
                elementType = stage.Descriptor.OutputType;
            }

            stages.Add(stage);
        }

        if (!sink.ElementType.IsAssignableFrom(elementType))
        {
            throw new PipelineFileException($"{path}, line {reader.LineOf("type", sink.Type)}: sink '{sink.Type}' takes {sink.ElementType.Name} but the last stage emits {elementType.Name}.");
        }

        return new PipelineDefinition(path, source, stages, sink);
    }

    /// <summary>
    /// The stages in order as one untyped flow. Every call makes new node instances; each materialization of a remote
    /// stage opens its own session on an executor, with <paramref name="options"/> over <c>akka-media.remote</c>.
    /// </summary>
    public Flow<object, object, NotUsed> CreateStages(RemoteStageOptions? options)
    {
        var flow = Flow.Create<object>();
        foreach (var stage in Stages)
        {
            flow = flow.Via(stage.Remote
                ? RemoteNode.Flow<object, object>(stage.Descriptor.TypeName, stage.SettingsText, stage.Failover ? WithFailover(options) : options)
                : stage.Descriptor.CreateUntypedFlow(stage.Descriptor.Bind(stage.Settings)));
        }

        return flow;
    }

    private static RemoteStageOptions WithFailover(RemoteStageOptions? options) => new()
    {
        Executor = options?.Executor,
        Transport = options?.Transport,
        ExecutorRole = options?.ExecutorRole,
        OpenTimeout = options?.OpenTimeout,
        IdleTimeout = options?.IdleTimeout,
        HeartbeatInterval = options?.HeartbeatInterval,
        Failover = true,
        CheckpointEvery = options?.CheckpointEvery,
        CheckpointInterval = options?.CheckpointInterval,
        MaxUnacknowledged = options?.MaxUnacknowledged,
    };

    private sealed class Reader(string path, string text)
    {
        private readonly string[] _lines = text.Split('\n');

        public void OnlyKeys(Config config, string where, string[] allowed)
        {
            if (config.IsEmpty)
            {
                return;
            }

            foreach (var key in config.Root.GetObject().Items.Keys)
            {
                if (!allowed.Contains(key, StringComparer.Ordinal))
                {
                    var scope = where.Length == 0 ? "at the top level" : $"in '{where}'";
                    throw new PipelineFileException($"{path}, line {LineOf(key)}: unknown key '{key}' {scope}; expected {string.Join(", ", allowed)}.");
                }
            }
        }

        public PipelineEndpoint Endpoint(Config pipeline, string name, IReadOnlyDictionary<string, (Type Element, string[] Keys)> known, string? pathOverride)
        {
            if (!pipeline.HasPath(name))
            {
                throw new PipelineFileException($"{path}: the pipeline has no '{name}' block; known {name} types: {string.Join(", ", known.Keys)}.");
            }

            if (!pipeline.GetValue(name).IsObject())
            {
                throw new PipelineFileException($"{path}, line {LineOf(name)}: '{name}' must be a block: {name} {{ type = ..., path = ... }}.");
            }

            var settings = pipeline.GetConfig(name);
            var type = TypeOf(settings, name);
            if (!known.TryGetValue(type, out var entry))
            {
                throw new PipelineFileException($"{path}, line {LineOf("type", type)}: unknown {name} type '{type}'; known: {string.Join(", ", known.Keys)}.");
            }

            OnlyKeys(settings, $"pipeline.{name}", entry.Keys);
            if (pathOverride is not null)
            {
                if (!entry.Keys.Contains("path"))
                {
                    throw new PipelineFileException($"{path}: the {name} '{type}' is not a file, so --{(name == "source" ? "input" : "output")} cannot replace its path.");
                }

                settings = ConfigurationFactory.ParseString($"path = \"{pathOverride.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"").WithFallback(settings);
            }

            if (entry.Keys.Contains("path") && !settings.HasPath("path"))
            {
                throw new PipelineFileException($"{path}, line {LineOf("type", type)}: the {name} '{type}' needs a 'path'.");
            }

            return new PipelineEndpoint(type, settings, entry.Element, null, null);
        }

        public PipelineStageDefinition Stage(HoconValue value, int index, NodeRegistry registry)
        {
            if (!value.IsObject())
            {
                throw new PipelineFileException($"{path}: stage {index + 1} is not an object like {{ type = Gain, gain = 0.5 }}.");
            }

            var settings = new Config(new HoconRoot(value));
            var type = TypeOf(settings, $"stage {index + 1}");
            if (!registry.TryGet(type, out var descriptor))
            {
                throw new PipelineFileException($"{path}, line {LineOf("type", type)}: stage {index + 1} has unknown node type '{type}'. Known types: {registry.KnownTypes}.");
            }

            var remote = Flag(settings, "remote", index, descriptor);
            var failover = Flag(settings, "failover", index, descriptor);
            if (failover && !remote)
            {
                throw new PipelineFileException($"{path}, line {LineOf("failover")}: stage {index + 1} ({descriptor.TypeName}) has 'failover = true' but runs in this process; failover moves a remote stage to another executor, so add 'remote = true' or drop 'failover'.");
            }

            var nodeSettings = value.GetObject().Items
                .Where(kv => kv.Key is not ("type" or "remote" or "failover"))
                .Select(kv => (kv.Key, Value: kv.Value))
                .ToList();
            var settingsText = string.Join('\n', nodeSettings.Select(kv => $"{kv.Key} = {Render(kv.Value, kv.Key, index)}"));
            var nodeConfig = ConfigurationFactory.ParseString(settingsText);
            try
            {
                descriptor.Bind(nodeConfig);
            }
            catch (ArgumentException e)
            {
                var key = e.ParamName is { Length: > 0 } p && nodeSettings.Any(s => s.Key == p) ? p : "type";
                throw new PipelineFileException($"{path}, line {LineOf(key, key == "type" ? type : null)}: stage {index + 1} ({descriptor.TypeName}): {e.Message}", e);
            }

            return new PipelineStageDefinition(index, descriptor, nodeConfig, settingsText, remote, failover);
        }

        /// <summary>The stage's <c>true</c>/<c>false</c> key <paramref name="key"/>; false when absent.</summary>
        private bool Flag(Config settings, string key, int index, NodeDescriptor descriptor)
        {
            try
            {
                return settings.GetBoolean(key, false);
            }
            catch (Exception e) when (e is NotSupportedException or FormatException or InvalidCastException)
            {
                throw new PipelineFileException($"{path}, line {LineOf(key)}: stage {index + 1} ({descriptor.TypeName}): '{key}' must be true or false.", e);
            }
        }

        /// <summary>1-based line of the first <c>key = value</c> (or the first mention of the key) in the file.</summary>
        public int LineOf(string key, string? value = null)
        {
            var pattern = value is null
                ? new Regex($@"(^|[\s{{,""]){Regex.Escape(key)}""?\s*[=:{{]")
                : new Regex($@"(^|[\s{{,""]){Regex.Escape(key)}""?\s*[=:]\s*""?{Regex.Escape(value)}\b");
            for (var i = 0; i < _lines.Length; i++)
            {
                if (pattern.IsMatch(_lines[i]))
                {
                    return i + 1;
                }
            }

            return 1;
        }

        /// <summary>The <c>type</c> of a block, empty when absent; <c>type = null</c>, an object or a list is refused.</summary>
        private string TypeOf(Config settings, string what)
        {
            var value = settings.HasPath("type") ? settings.GetValue("type") : null;
            if (value is null)
            {
                return string.Empty;
            }

            return value.IsString() && value.GetString() is { } type
                ? type
                : throw new PipelineFileException($"{path}, line {LineOf("type")}: the type of {what} must be a name, like type = Gain.");
        }

        /// <summary>A node setting as HOCON text: a quoted string, <c>null</c>, or a list of those.</summary>
        /// <exception cref="PipelineFileException">The setting is an object (node settings are values or lists).</exception>
        private string Render(HoconValue value, string key, int index)
        {
            if (value.IsArray())
            {
                return "[" + string.Join(", ", value.GetArray().Select(v => Render(v, key, index))) + "]";
            }

            if (!value.IsString())
            {
                throw new PipelineFileException($"{path}, line {LineOf(key)}: stage {index + 1}: '{key}' is an object; a node setting is a value or a list of values.");
            }

            return value.GetString() is { } text
                ? "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
                : "null";
        }
    }
}
