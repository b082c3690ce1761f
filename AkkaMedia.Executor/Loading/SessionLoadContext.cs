using System.Reflection;
using System.Runtime.Loader;

namespace AkkaMedia.Executor.Loading;

/// <summary>
/// The collectible load context of one session: it holds the assemblies the client shipped, and only
/// those; every other name (framework, AkkaMedia and their dependencies) falls through to the default
/// context, so SDK contracts such as <c>Node&lt;TIn,TOut&gt;</c> exist once in the process.
/// </summary>
/// <remarks>
/// <para>Assemblies are read from the package store into memory and loaded from there, so the store's
/// files are never locked and can be evicted once the session's lease ends. Names are matched by simple
/// name, whatever version is asked for: each session sees exactly the versions it shipped, and two
/// sessions may hold different versions of one assembly at once.</para>
/// <para>Call <see cref="Unload"/> only after everything running the session's code has stopped:
/// dependencies load lazily on first use and cannot load into an unloading context. The context is
/// collected once nothing references its types or objects any more.</para>
/// </remarks>
internal sealed class SessionLoadContext : AssemblyLoadContext
{
    private static int _live;

    private readonly IReadOnlyDictionary<string, string> _paths;
    private int _unloaded;

    /// <summary>Creates the context of session <paramref name="sessionId"/> over <paramref name="paths"/> (assembly simple name → file).</summary>
    public SessionLoadContext(string sessionId, IReadOnlyDictionary<string, string> paths)
        : base("akka-media-session-" + sessionId, isCollectible: true)
    {
        _paths = new Dictionary<string, string>(paths, StringComparer.OrdinalIgnoreCase);
        Interlocked.Increment(ref _live);
    }

    /// <summary>How many session contexts exist that have not been unloaded yet, in this process.</summary>
    public static int Live => Volatile.Read(ref _live);

    /// <summary>Loads the shipped assembly named <paramref name="simpleName"/>.</summary>
    /// <exception cref="FileNotFoundException">It was not shipped.</exception>
    public Assembly LoadShipped(string simpleName)
    {
        if (!_paths.ContainsKey(simpleName))
        {
            throw new FileNotFoundException($"Assembly '{simpleName}' is not part of the session's package.", simpleName);
        }

        return LoadFromAssemblyName(new AssemblyName(simpleName));
    }

    /// <summary>Starts unloading; idempotent. The context is collected once nothing references it.</summary>
    public new void Unload()
    {
        if (Interlocked.Exchange(ref _unloaded, 1) == 0)
        {
            Interlocked.Decrement(ref _live);
            base.Unload();
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || !_paths.TryGetValue(assemblyName.Name, out var path))
        {
            return null;
        }

        using var stream = new MemoryStream(File.ReadAllBytes(path), writable: false);
        return LoadFromStream(stream);
    }
}
