using System.Collections.Concurrent;

namespace AkkaMedia.Nodes;

/// <summary>
/// Maps node type names (as written in pipeline files and remote stage requests) to
/// <see cref="NodeDescriptor"/>s. Names are case-insensitive. Thread-safe.
/// </summary>
public sealed class NodeRegistry
{
    private readonly ConcurrentDictionary<string, NodeDescriptor> _descriptors = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The registered descriptors, ordered by name.</summary>
    public IReadOnlyList<NodeDescriptor> Descriptors => _descriptors.Values.OrderBy(d => d.TypeName, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>Adds <paramref name="descriptor"/>; a second registration of the same name replaces the first.</summary>
    public NodeRegistry Register(NodeDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        _descriptors[descriptor.TypeName] = descriptor;
        return this;
    }

    /// <summary>Looks a type name up without throwing.</summary>
    public bool TryGet(string typeName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NodeDescriptor? descriptor) =>
        _descriptors.TryGetValue(typeName, out descriptor);

    /// <summary>Looks a type name up.</summary>
    /// <exception cref="ArgumentException">The name is not registered; the message lists the known names.</exception>
    public NodeDescriptor Get(string typeName) =>
        TryGet(typeName, out var descriptor)
            ? descriptor
            : throw new ArgumentException($"Unknown node type '{typeName}'. Known types: {KnownTypes}.", nameof(typeName));

    /// <summary>The registered names, comma separated, for messages.</summary>
    public string KnownTypes => _descriptors.IsEmpty ? "(none)" : string.Join(", ", Descriptors.Select(d => d.TypeName));
}
