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
    private Serializer? _serializer = new(new SerializerOptions(
        versionTolerance: false, preserveObjectReferences: true, surrogates: null, serializerFactories: null, knownTypes: null, ignoreISerializable: false, packageNameOverrides: null, disallowUnsafeTypes: true, typeFilter: DisabledTypeFilter.Instance));

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

    /// <summary>Reads a value written by <see cref="Serialize"/>, binding type names inside the load context.</summary>
    public object? Deserialize(byte[] bytes)
    {
        using var scope = _context.EnterContextualReflection();
        using var stream = new MemoryStream(bytes, writable: false);
        return Serializer.Deserialize(stream);
    }

    /// <summary>Drops the serializer and its type caches; the codec is unusable afterwards.</summary>
    public void Clear() => _serializer = null;

    private Serializer Serializer => _serializer ?? throw new ObjectDisposedException(nameof(ObjectCodec), "The session has ended.");
}
