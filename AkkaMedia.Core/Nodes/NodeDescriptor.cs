using Akka;
using Akka.Configuration;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;

namespace AkkaMedia.Nodes;

/// <summary>
/// One entry of a <see cref="NodeRegistry"/>: a node type name, its element types, the settings it
/// accepts and how to build it from HOCON settings.
/// </summary>
public sealed class NodeDescriptor
{
    private readonly Func<Config, Func<object>> _bind;
    private readonly Func<Func<object>, Flow<object, object, NotUsed>> _untypedFlow;
    private readonly Func<Func<object>, CheckpointPolicy, Flow<object, object, NotUsed>>? _checkpointedFlow;

    private NodeDescriptor(
        string typeName,
        Type inputType,
        Type outputType,
        string description,
        IReadOnlyList<string> settingKeys,
        Func<Config, Func<object>> bind,
        Func<Func<object>, Flow<object, object, NotUsed>> untypedFlow,
        Func<Func<object>, CheckpointPolicy, Flow<object, object, NotUsed>>? checkpointedFlow)
    {
        TypeName = typeName;
        InputType = inputType;
        OutputType = outputType;
        Description = description;
        SettingKeys = settingKeys;
        _bind = bind;
        _untypedFlow = untypedFlow;
        _checkpointedFlow = checkpointedFlow;
    }

    /// <summary>The name pipelines and remote stages use for this node type, such as <c>Gain</c>.</summary>
    public string TypeName { get; }

    /// <summary>Element type the node consumes.</summary>
    public Type InputType { get; }

    /// <summary>Element type the node emits.</summary>
    public Type OutputType { get; }

    /// <summary>One line on what the node does, shown by listings.</summary>
    public string Description { get; }

    /// <summary>The setting keys the node accepts; any other key is an error.</summary>
    public IReadOnlyList<string> SettingKeys { get; }

    /// <summary>
    /// Validates <paramref name="settings"/> (unknown keys, bad values) by building one node, and
    /// returns a factory of nodes with those settings.
    /// </summary>
    /// <exception cref="ArgumentException">A key is unknown or a value is missing, malformed or out of range; the message names it.</exception>
    public Func<object> Bind(Config settings)
    {
        settings ??= Config.Empty;
        if (!settings.IsEmpty)
        {
            foreach (var key in settings.Root.GetObject().Items.Keys)
            {
                if (!SettingKeys.Contains(key, StringComparer.Ordinal))
                {
                    var known = SettingKeys.Count == 0 ? "it takes no settings" : "known settings: " + string.Join(", ", SettingKeys);
                    throw new ArgumentException($"Unknown setting '{key}' for node type '{TypeName}'; {known}.", key);
                }
            }
        }

        Func<object> factory;
        try
        {
            factory = _bind(settings);
            if (factory() is IDisposable node)
            {
                node.Dispose();
            }
        }
        catch (ArgumentException)
        {
            throw;
        }
        catch (Exception e) when (e is ConfigurationException or FormatException or InvalidCastException)
        {
            throw new ArgumentException($"Bad settings for node type '{TypeName}': {e.Message}", e);
        }

        return factory;
    }

    /// <summary>A flow over elements typed as <see cref="object"/> that runs a new node from <paramref name="factory"/> per materialization.</summary>
    public Flow<object, object, NotUsed> CreateUntypedFlow(Func<object> factory) => _untypedFlow(factory);

    /// <summary>
    /// Like <see cref="CreateUntypedFlow"/>, for a session with failover: the node is checkpointed as
    /// <paramref name="policy"/> says (<see cref="StageCheckpoint"/> elements among its outputs) and resumes from a
    /// checkpoint given as its first input. Null for a node type that is a whole flow: it has no single node to checkpoint.
    /// </summary>
    internal Flow<object, object, NotUsed>? CreateCheckpointedFlow(Func<object> factory, CheckpointPolicy policy) => _checkpointedFlow?.Invoke(factory, policy);

    /// <summary>Creates a descriptor for nodes built by <paramref name="create"/>.</summary>
    public static NodeDescriptor Create<TIn, TOut>(string typeName, string description, Func<Config, Node<TIn, TOut>> create, params string[] settingKeys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentNullException.ThrowIfNull(create);
        return new NodeDescriptor(
            typeName,
            typeof(TIn),
            typeof(TOut),
            description,
            settingKeys,
            settings => () => create(settings),
            factory => Flow.Create<object>()
                .Select(static o => (TIn)o)
                .Via(new NodeStage<TIn, TOut>(() => (Node<TIn, TOut>)factory(), typeName))
                .Select(static o => (object)o!),
            (factory, policy) => CheckpointingNode<TIn, TOut>.Flow(() => (Node<TIn, TOut>)factory(), policy, typeName));
    }

    /// <summary>
    /// Creates a descriptor for a node type that is a whole flow rather than one <see cref="Node{TIn,TOut}"/>, such as a node
    /// that awaits work off the stream's thread (<c>SelectAsync</c>). <paramref name="bind"/> validates the settings, throwing
    /// <see cref="ArgumentException"/> naming a bad one, and returns a factory of flow blueprints, called for each
    /// <see cref="CreateUntypedFlow"/>. A blueprint may be materialized more than once: every materialization must get its
    /// own state (make nodes inside it, as <see cref="NodeFlow.Create{TIn,TOut}"/> does).
    /// </summary>
    public static NodeDescriptor CreateFlow<TIn, TOut>(string typeName, string description, Func<Config, Func<Flow<TIn, TOut, NotUsed>>> bind, params string[] settingKeys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentNullException.ThrowIfNull(bind);
        return new NodeDescriptor(
            typeName,
            typeof(TIn),
            typeof(TOut),
            description,
            settingKeys,
            settings =>
            {
                var flows = bind(settings);
                return () => flows();
            },
            factory => Flow.Create<object>()
                .Select(static o => (TIn)o)
                .Via((Flow<TIn, TOut, NotUsed>)factory())
                .Select(static o => (object)o!)
                .Named(typeName),
            null);
    }

    /// <inheritdoc />
    public override string ToString() => $"{TypeName} ({InputType.Name} -> {OutputType.Name})";
}
