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
/// <para>Native libraries the client shipped (<see cref="AkkaMedia.Deployment.PackageEntryKind.NativeLibrary"/>) are
/// loaded from the store's files when shipped code calls into them: a <c>DllImport("onnxruntime")</c> finds
/// <c>libonnxruntime.so</c> of the package (the platform's prefixes and suffixes are tried as the runtime's own probing
/// does), before any library of the machine. A native library, once loaded, stays loaded for the life of the process.</para>
/// <para>Call <see cref="Unload"/> only after everything running the session's code has stopped:
/// dependencies load lazily on first use and cannot load into an unloading context. The context is
/// collected once nothing references its types or objects any more.</para>
/// </remarks>
internal sealed class SessionLoadContext : AssemblyLoadContext
{
    private static int _live;

    private readonly IReadOnlyDictionary<string, string> _paths;
    private readonly IReadOnlyDictionary<string, string> _natives;
    private int _unloaded;

    /// <summary>
    /// Creates the context of session <paramref name="sessionId"/> over <paramref name="paths"/> (assembly simple name →
    /// file) and <paramref name="nativeLibraries"/> (native library file name, <c>libonnxruntime.so</c> → file).
    /// </summary>
    public SessionLoadContext(string sessionId, IReadOnlyDictionary<string, string> paths, IReadOnlyDictionary<string, string>? nativeLibraries = null)
        : base("akka-media-session-" + sessionId, isCollectible: true)
    {
        _paths = new Dictionary<string, string>(paths, StringComparer.OrdinalIgnoreCase);
        _natives = new Dictionary<string, string>(nativeLibraries ?? new Dictionary<string, string>(), StringComparer.Ordinal);
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

    /// <summary>
    /// The store file of the shipped native library that <paramref name="name"/> (as a <c>DllImport</c> names it) means, if
    /// any; a name with a directory in it is never mapped.
    /// </summary>
    internal string? NativeLibraryPath(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return null; // A path names a file of its own choosing: the runtime's probing takes it as it is.
        }

        foreach (var candidate in NativeFileNames(name))
        {
            if (_natives.TryGetValue(candidate, out var path))
            {
                return path;
            }
        }

        return null;
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = NativeLibraryPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>The file names a library name may mean here, as the runtime probes: as given, with the platform's suffix, with <c>lib</c> in front.</summary>
    private static IEnumerable<string> NativeFileNames(string file)
    {
        var suffix = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        yield return file;
        if (!file.EndsWith(suffix, StringComparison.Ordinal))
        {
            yield return file + suffix;
        }

        if (!OperatingSystem.IsWindows() && !file.StartsWith("lib", StringComparison.Ordinal))
        {
            yield return "lib" + file;
            if (!file.EndsWith(suffix, StringComparison.Ordinal))
            {
                yield return "lib" + file + suffix;
            }
        }
    }
}
