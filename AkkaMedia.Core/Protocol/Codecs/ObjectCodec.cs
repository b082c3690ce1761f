using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Hyperion;
using System.ComponentModel;

namespace AkkaMedia.Protocol.Codecs;

/// <summary>
/// The serializer of one object session: a Hyperion serializer of its own (Hyperion caches resolved
/// types per instance, so a shared one would keep a session's load context alive and hand its types
/// to the next session) that resolves type names inside one load context.
/// </summary>
/// <remarks>
/// Hyperion resolves type names with <see cref="Type.GetType(string)"/>; entering the load context's
/// contextual reflection scope around deserialization makes those names bind to the session's
/// assemblies. <see cref="Serialize"/> and <see cref="Deserialize"/> may run on several threads at once
/// (Hyperion's serializer allows it; the contextual reflection scope is per thread); <see cref="Clear"/>
/// is for a session's codec once its calls have ended.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ObjectCodec
{
    /// <summary>Largest serialized object, argument list or result one message carries: Akka.Remote drops messages over its 128,000-byte frame size.</summary>
    public const int MaxPayloadBytes = 100_000;

    private static readonly ConditionalWeakTable<AssemblyLoadContext, ObjectCodec> ClientCodecs = new();

    private readonly AssemblyLoadContext _context;
    private Serializer? _serializer;
    private volatile bool _cleared;

    /// <summary>A codec resolving types in <paramref name="context"/>.</summary>
    public ObjectCodec(AssemblyLoadContext context)
    {
        _context = context;
    }

    /// <summary>
    /// The client side's codec for the load context that holds <paramref name="assembly"/>: one per context,
    /// shared by every deploy and call from it (a serializer costs milliseconds to build and to compile its
    /// per-type serializers, which a warm deploy should not pay again). It lives as long as the context
    /// (a weak table: a collectible context can still be collected) and is never cleared.
    /// </summary>
    public static ObjectCodec For(Assembly assembly) =>
        ClientCodecs.GetValue(AssemblyLoadContext.GetLoadContext(assembly) ?? AssemblyLoadContext.Default, static context => new ObjectCodec(context));

    /// <summary>Writes <paramref name="value"/> (null allowed) and its whole object graph.</summary>
    public byte[] Serialize(object? value)
    {
        using var scope = _context.EnterContextualReflection();
        using var stream = new MemoryStream();
        Serializer.Serialize(value!, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Writes the object a client ships to an executor: in the compact format when its class is one of
    /// <paramref name="shippedAssemblies"/> and its fields are all simple values (no Hyperion serializer has to be
    /// built for it on the executor), else as <see cref="Serialize"/> does.
    /// </summary>
    /// <param name="value">The object.</param>
    /// <param name="shippedAssemblies">Simple names of the assemblies shipped with it, which the executor loads into the session's context.</param>
    public byte[] SerializeShipped(object value, IEnumerable<string> shippedAssemblies)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(shippedAssemblies);
        var assembly = value.GetType().Assembly.GetName().Name;
        return assembly is not null && shippedAssemblies.Contains(assembly, StringComparer.OrdinalIgnoreCase) && CompactObjectFormat.TryWrite(value) is { } compact
            ? compact
            : Serialize(value);
    }

    /// <summary>
    /// Reads a value written by <see cref="Serialize"/> or <see cref="SerializeShipped"/>, binding type names inside the
    /// load context.
    /// </summary>
    public object? Deserialize(byte[] bytes)
    {
        using var scope = _context.EnterContextualReflection();
        if (CompactObjectFormat.Is(bytes))
        {
            return CompactObjectFormat.Read(bytes, _context);
        }

        using var stream = new MemoryStream(bytes, writable: false);
        return Serializer.Deserialize(stream);
    }

    /// <summary>Drops the serializer and its type caches; the codec is unusable afterwards.</summary>
    public void Clear()
    {
        _cleared = true;
        _serializer = null;
    }

    /// <summary>The Hyperion serializer, built on first use (a session whose object and values need none never builds one).</summary>
    private Serializer Serializer => _cleared
        ? throw new ObjectDisposedException(nameof(ObjectCodec), "The session has ended.")
        : LazyInitializer.EnsureInitialized(ref _serializer, static () => new Serializer(new SerializerOptions(
            versionTolerance: false, preserveObjectReferences: true, surrogates: null, serializerFactories: null, knownTypes: null, ignoreISerializable: false,
            packageNameOverrides: null, disallowUnsafeTypes: true, typeFilter: DisabledTypeFilter.Instance)));
}
