using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text.Json;

namespace AkkaMedia.Deployment;

/// <summary>
/// Computes the <see cref="CodePackage"/> of a user assembly: the assembly and, breadth first, every assembly it
/// references that the executor cannot be expected to hold. It reads metadata only (<see cref="PEReader"/>,
/// <see cref="MetadataReader"/>) and never loads anything into the calling process.
/// </summary>
/// <remarks>
/// <para>A reference is left out of the package when it is</para>
/// <list type="bullet">
/// <item><description>a framework assembly: a file of the runtime directory
/// (<see cref="RuntimeEnvironment.GetRuntimeDirectory"/>) or of another shared framework the process runs on;</description></item>
/// <item><description>part of AkkaMedia: its libraries (AkkaMedia.Core, AkkaMedia.Nodes, AkkaMedia.Executor) and
/// everything they depend on in turn (Akka, Akka.Streams, Hyperion, NAudio.Core ...), found from their metadata
/// references and from the package graph of the application's <c>.deps.json</c>. These stay in the executor's
/// default load context, so contracts such as the node interfaces exist there once.</description></item>
/// </list>
/// <para>Every other reference is shipped. It is looked up with <see cref="AssemblyDependencyResolver"/> on the entry
/// assembly (its <c>.deps.json</c>), then in the entry assembly's folder, then in the referencing assembly's folder,
/// then among the assemblies of the running application. Satellite resource assemblies are not shipped.</para>
/// <para>Native libraries ship too, as <see cref="PackageEntryKind.NativeLibrary"/> entries after the assemblies: the
/// native assets (<c>runtimes/&lt;rid&gt;/native/...</c>) of every package the entry depends on that holds, or depends on a
/// package that holds, an assembly that ships, read from the entry's
/// <c>.deps.json</c> for the runtime identifier this process runs on (the most specific one a package has: e.g.
/// <c>linux-x64</c>, then <c>linux</c>), found beside the entry. Packages of AkkaMedia and the framework are not
/// followed. Without a <c>.deps.json</c> no native library ships: only it tells which package a native file belongs to
/// (a build output's <c>runtimes/</c> folder also holds those of the SDK's packages). So a client ships the native code
/// of its own platform, and the executor must run on the same one.</para>
/// <para>Thread-safe; the framework and AkkaMedia sets are computed once per process.</para>
/// </remarks>
public static class DependencyAnalyzer
{
    private static readonly string[] SdkLibraries = ["AkkaMedia.Core", "AkkaMedia.Nodes", "AkkaMedia.Executor"];

    private static readonly Lazy<SharedSet> Shared = new(SharedSet.Compute);

    /// <summary>Packages made by <see cref="AnalyzeCached"/>, by entry path, with the stamps of their files then.</summary>
    private static readonly ConcurrentDictionary<string, (CodePackage Package, (long Length, long Written)[] Stamps)> Analyzed = new(StringComparer.Ordinal);

    /// <summary>Analyzes the file <paramref name="entry"/> was loaded from.</summary>
    /// <exception cref="ArgumentException"><paramref name="entry"/> has no file (dynamic, or bundled in a single-file app).</exception>
    /// <exception cref="UnresolvedDependencyException">A dependency to ship was not found; nothing is sent.</exception>
    public static CodePackage Analyze(Assembly entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.IsDynamic || string.IsNullOrEmpty(entry.Location))
        {
            throw new ArgumentException($"{entry.GetName().Name} has no file on disk (dynamic, or bundled into a single-file app), so it cannot be shipped.", nameof(entry));
        }

        return Analyze(entry.Location);
    }

    /// <summary>
    /// <see cref="Analyze(Assembly)"/> for a deploy: the package made for <paramref name="entry"/> last time is reused
    /// while every file in it, and the entry's <c>.deps.json</c>, keeps its length and last write time (a warm deploy
    /// neither reads metadata nor hashes files again); otherwise it is analyzed afresh.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="entry"/> has no file (dynamic, or bundled in a single-file app).</exception>
    /// <exception cref="UnresolvedDependencyException">A dependency to ship was not found; nothing is sent.</exception>
    internal static CodePackage AnalyzeCached(Assembly entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.IsDynamic || string.IsNullOrEmpty(entry.Location))
        {
            return Analyze(entry);
        }

        var path = Path.GetFullPath(entry.Location);
        if (Analyzed.TryGetValue(path, out var cached) && cached.Stamps.SequenceEqual(Stamps(cached.Package, path)))
        {
            return cached.Package;
        }

        var package = Analyze(path);
        Analyzed[path] = (package, Stamps(package, path));
        return package;
    }

    /// <summary>Length and last write time of every file of <paramref name="package"/> and of the entry's <c>.deps.json</c> (-1 when absent).</summary>
    private static (long Length, long Written)[] Stamps(CodePackage package, string entryPath)
    {
        var stamps = new (long, long)[package.Entries.Count + 1];
        for (var i = 0; i < package.Entries.Count; i++)
        {
            stamps[i] = Stamp(package.PathOf(package.Entries[i]));
        }

        stamps[^1] = Stamp(Path.ChangeExtension(entryPath, ".deps.json"));
        return stamps;

        static (long, long) Stamp(string file)
        {
            var info = new FileInfo(file);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : (-1, -1);
        }
    }

    /// <summary>
    /// Analyzes the assembly at <paramref name="assemblyPath"/>. When it is itself a framework or AkkaMedia assembly
    /// the package is empty: the executor already has it.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="assemblyPath"/>.</exception>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    /// <exception cref="UnresolvedDependencyException">A dependency to ship was not found; nothing is sent.</exception>
    public static CodePackage Analyze(string assemblyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        var entryPath = Path.GetFullPath(assemblyPath);
        if (!File.Exists(entryPath))
        {
            throw new FileNotFoundException($"No assembly at {entryPath}.", entryPath);
        }

        var shared = Shared.Value;
        var entryInfo = AssemblyFile.Read(entryPath);
        if (shared.Contains(entryInfo.Name))
        {
            return new CodePackage(entryInfo.Name, []);
        }

        var resolver = CreateResolver(entryPath);
        var entryFolder = Path.GetDirectoryName(entryPath)!;
        var files = new List<(PackageEntry Entry, string Path)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { entryInfo.Name };
        var queue = new Queue<AssemblyFile>();
        queue.Enqueue(entryInfo);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            files.Add((new PackageEntry(current.Name, current.Version, Hash(current.Path), new FileInfo(current.Path).Length), current.Path));
            foreach (var (name, version) in current.References)
            {
                if (shared.Contains(name) || !seen.Add(name))
                {
                    continue;
                }

                queue.Enqueue(Resolve(name, version, current, resolver, entryFolder, shared));
            }
        }

        var shipped = new HashSet<string>(files.Select(static f => f.Entry.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, version, path) in NativeLibraries(entryPath, entryInfo.Name, shared, shipped))
        {
            if (seen.Add(name))
            {
                files.Add((new PackageEntry(name, version, Hash(path), new FileInfo(path).Length, PackageEntryKind.NativeLibrary), path));
            }
        }

        return new CodePackage(entryInfo.Name, files);
    }

    /// <summary>
    /// Runtime identifiers whose native assets this process can load, most specific first: its own
    /// (<see cref="RuntimeInformation.RuntimeIdentifier"/>), the portable <c>os-arch</c>, then the bare <c>os</c>.
    /// </summary>
    internal static IReadOnlyList<string> NativeRuntimeIdentifiers()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : "unix";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return new[] { RuntimeInformation.RuntimeIdentifier, $"{os}-{arch}", os }.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The native libraries to ship with the entry at <paramref name="entryPath"/>: (file name, package version, path).
    /// A package's native assets ship only when the package, or one it depends on, holds an assembly that ships
    /// (<paramref name="shipped"/>, simple names): ONNX Runtime's native files belong to a package whose managed half is
    /// another one, and a package the entry reaches without using it (through a library of its own) ships nothing.
    /// </summary>
    /// <exception cref="UnresolvedDependencyException">The <c>.deps.json</c> names a native asset that is not beside the entry.</exception>
    private static IEnumerable<(string Name, string Version, string Path)> NativeLibraries(string entryPath, string entryName, SharedSet shared, IReadOnlySet<string> shipped)
    {
        var folder = Path.GetDirectoryName(entryPath)!;
        var rids = NativeRuntimeIdentifiers();
        var depsFile = Path.ChangeExtension(entryPath, ".deps.json");
        if (!File.Exists(depsFile))
        {
            // Only the .deps.json tells whose a native file is: a build output's runtimes/ folder also holds the native
            // files of the SDK's own packages (LightningDB, SQLite), which must not ship.
            return [];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(depsFile));
        }
        catch (JsonException)
        {
            return []; // Not a deps file we can read: the assemblies were resolved without it as well.
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            var result = new List<(string, string, string)>();
            foreach (var target in targets.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object))
            {
                var libraries = target.Value.EnumerateObject().ToDictionary(l => l.Name, l => l.Value, StringComparer.OrdinalIgnoreCase);
                var queue = new Queue<string>(libraries.Keys.Where(k => k.StartsWith(entryName + "/", StringComparison.OrdinalIgnoreCase)));
                var visited = new HashSet<string>(queue, StringComparer.OrdinalIgnoreCase);
                var needed = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
                while (queue.Count > 0)
                {
                    var key = queue.Dequeue();
                    var library = libraries[key];
                    var version = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];
                    foreach (var asset in Needed(key, libraries, shared, shipped, needed) ? NativeAssets(library, rids) : [])
                    {
                        var path = Path.GetFullPath(Path.Combine(folder, asset));
                        if (!File.Exists(path))
                        {
                            throw new UnresolvedDependencyException(Path.GetFileName(asset), version, key, [folder]);
                        }

                        result.Add((Path.GetFileName(path), version, path));
                    }

                    if (library.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var dependency in dependencies.EnumerateObject())
                        {
                            var next = dependency.Name + "/" + dependency.Value.GetString();
                            if (!shared.Contains(dependency.Name) && libraries.ContainsKey(next) && visited.Add(next))
                            {
                                queue.Enqueue(next);
                            }
                        }
                    }
                }
            }

            return result;
        }
    }

    /// <summary>
    /// Whether the <c>.deps.json</c> library <paramref name="key"/> (<c>name/version</c>) or one it depends on (not of
    /// the SDK) carries a runtime assembly among <paramref name="shipped"/>; memoized in <paramref name="needed"/>.
    /// </summary>
    private static bool Needed(string key, Dictionary<string, JsonElement> libraries, SharedSet shared, IReadOnlySet<string> shipped, Dictionary<string, bool> needed)
    {
        if (needed.TryGetValue(key, out var known))
        {
            return known;
        }

        needed[key] = false; // A cycle reads as not needed until its walk ends.
        var library = libraries[key];
        var result = library.TryGetProperty("runtime", out var runtime) && runtime.ValueKind == JsonValueKind.Object
            && runtime.EnumerateObject().Any(a => shipped.Contains(Path.GetFileNameWithoutExtension(a.Name)));
        if (!result && library.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object)
        {
            foreach (var dependency in dependencies.EnumerateObject())
            {
                var next = dependency.Name + "/" + dependency.Value.GetString();
                if (!shared.Contains(dependency.Name) && libraries.ContainsKey(next) && Needed(next, libraries, shared, shipped, needed))
                {
                    result = true;
                    break;
                }
            }
        }

        needed[key] = result;
        return result;
    }

    /// <summary>
    /// The native assets of one <c>.deps.json</c> library for this platform: its <c>native</c> assets (a build for one
    /// runtime identifier), and its <c>runtimeTargets</c> of asset type native for the first of <paramref name="rids"/> it has.
    /// </summary>
    private static IEnumerable<string> NativeAssets(JsonElement library, IReadOnlyList<string> rids)
    {
        if (library.TryGetProperty("native", out var native) && native.ValueKind == JsonValueKind.Object)
        {
            foreach (var asset in native.EnumerateObject())
            {
                yield return asset.Name;
            }
        }

        if (!library.TryGetProperty("runtimeTargets", out var targets) || targets.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        var byRid = targets.EnumerateObject()
            .Where(t => t.Value.ValueKind == JsonValueKind.Object
                && t.Value.TryGetProperty("assetType", out var type) && type.ValueEquals("native")
                && t.Value.TryGetProperty("rid", out var rid) && rid.ValueKind == JsonValueKind.String)
            .ToLookup(t => t.Value.GetProperty("rid").GetString()!, t => t.Name, StringComparer.Ordinal);
        var chosen = rids.FirstOrDefault(byRid.Contains);
        if (chosen is not null)
        {
            foreach (var asset in byRid[chosen])
            {
                yield return asset;
            }
        }
    }

    /// <summary>Whether the executor is expected to hold <paramref name="simpleName"/> already (framework or AkkaMedia).</summary>
    internal static bool IsShared(string simpleName) => Shared.Value.Contains(simpleName);

    private static AssemblyFile Resolve(string name, string version, AssemblyFile referencedBy, AssemblyDependencyResolver? resolver, string entryFolder, SharedSet shared)
    {
        var searched = new List<string>();
        var candidates = new List<string?>();
        if (resolver is not null)
        {
            searched.Add("the entry assembly's .deps.json");
            candidates.Add(TryResolve(resolver, name));
        }

        searched.Add(entryFolder);
        candidates.Add(Path.Combine(entryFolder, name + ".dll"));
        var referencingFolder = Path.GetDirectoryName(referencedBy.Path)!;
        if (!string.Equals(referencingFolder, entryFolder, StringComparison.Ordinal))
        {
            searched.Add(referencingFolder);
            candidates.Add(Path.Combine(referencingFolder, name + ".dll"));
        }

        searched.Add("the running application's assemblies");
        candidates.Add(shared.ApplicationPath(name));
        foreach (var candidate in candidates)
        {
            if (candidate is not null && File.Exists(candidate) && AssemblyFile.TryRead(candidate, out var file) &&
                string.Equals(file.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return file;
            }
        }

        throw new UnresolvedDependencyException(name, version, referencedBy.Name, searched);
    }

    private static AssemblyDependencyResolver? CreateResolver(string entryPath)
    {
        try
        {
            return new AssemblyDependencyResolver(entryPath);
        }
        catch (InvalidOperationException)
        {
            // No usable .deps.json / host information for this component: folder lookups remain.
            return null;
        }
    }

    private static string? TryResolve(AssemblyDependencyResolver resolver, string name)
    {
        try
        {
            return resolver.ResolveAssemblyToPath(new AssemblyName(name));
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return null;
        }
    }

    private static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>An assembly file read through its metadata only.</summary>
    private sealed record AssemblyFile(string Path, string Name, string Version, IReadOnlyList<(string Name, string Version)> References)
    {
        public static AssemblyFile Read(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new BadImageFormatException($"{path} is not a .NET assembly (no metadata).", path);
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                throw new BadImageFormatException($"{path} is a module without an assembly manifest.", path);
            }

            var definition = reader.GetAssemblyDefinition();
            var references = reader.AssemblyReferences
                .Select(h => reader.GetAssemblyReference(h))
                .Select(r => (reader.GetString(r.Name), r.Version.ToString()))
                .ToArray();
            return new AssemblyFile(path, reader.GetString(definition.Name), definition.Version.ToString(), references);
        }

        public static bool TryRead(string path, out AssemblyFile file)
        {
            try
            {
                file = Read(path);
                return true;
            }
            catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                file = null!;
                return false;
            }
        }
    }

    /// <summary>Names of the assemblies an executor holds without being sent them: framework and AkkaMedia.</summary>
    private sealed class SharedSet
    {
        private readonly FrozenSet<string> _names;
        private readonly FrozenDictionary<string, string> _application;

        private SharedSet(FrozenSet<string> names, FrozenDictionary<string, string> application)
        {
            _names = names;
            _application = application;
        }

        public bool Contains(string name) => _names.Contains(name);

        public string? ApplicationPath(string name) => _application.GetValueOrDefault(name);

        public static SharedSet Compute()
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
            foreach (var file in Directory.EnumerateFiles(runtimeDirectory, "*.dll"))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }

            // Other shared frameworks the process runs on (ASP.NET Core ...) sit beside this one: <dotnet>/shared/<name>/<version>/.
            var sharedRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runtimeDirectory)));
            var application = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var path in TrustedPlatformAssemblies())
            {
                var name = Path.GetFileNameWithoutExtension(path);
                if (sharedRoot is not null && path.StartsWith(sharedRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    names.Add(name);
                }
                else
                {
                    application.TryAdd(name, path);
                }
            }

            AddSdkClosure(names, application);
            return new SharedSet(names.ToFrozenSet(StringComparer.OrdinalIgnoreCase), application.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
        }

        private static void AddSdkClosure(HashSet<string> names, Dictionary<string, string> application)
        {
            var coreFolder = Path.GetDirectoryName(typeof(DependencyAnalyzer).Assembly.Location);
            string? Locate(string name)
            {
                var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase));
                if (loaded is { IsDynamic: false, Location.Length: > 0 })
                {
                    return loaded.Location;
                }

                if (application.TryGetValue(name, out var path))
                {
                    return path;
                }

                var besideCore = coreFolder is null ? null : Path.Combine(coreFolder, name + ".dll");
                return besideCore is not null && File.Exists(besideCore) ? besideCore : null;
            }

            var frameworkNames = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var queue = new Queue<string>();
            foreach (var library in SdkLibraries.Concat(PackageClosureOfSdk()))
            {
                if (!frameworkNames.Contains(library) && names.Add(library))
                {
                    queue.Enqueue(library);
                }
            }

            while (queue.Count > 0)
            {
                var path = Locate(queue.Dequeue());
                if (path is null || !AssemblyFile.TryRead(path, out var file))
                {
                    // Not present in this process (a client without AkkaMedia.Nodes, say): its name alone is known.
                    continue;
                }

                foreach (var (reference, _) in file.References)
                {
                    if (!frameworkNames.Contains(reference) && names.Add(reference))
                    {
                        queue.Enqueue(reference);
                    }
                }
            }
        }

        /// <summary>
        /// Runtime assemblies of the packages AkkaMedia's libraries depend on, read from the application's
        /// <c>.deps.json</c>: this finds packages the SDK depends on but whose types its code does not use yet
        /// (so that its metadata does not reference them).
        /// </summary>
        private static IEnumerable<string> PackageClosureOfSdk()
        {
            var depsFiles = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries);
            var result = new List<string>();
            foreach (var depsFile in depsFiles.Where(File.Exists))
            {
                try
                {
                    using var document = JsonDocument.Parse(File.ReadAllBytes(depsFile));
                    if (!document.RootElement.TryGetProperty("targets", out var targets))
                    {
                        continue;
                    }

                    foreach (var target in targets.EnumerateObject())
                    {
                        var libraries = target.Value.EnumerateObject().ToDictionary(l => l.Name, l => l.Value, StringComparer.OrdinalIgnoreCase);
                        var queue = new Queue<string>(libraries.Keys.Where(k => SdkLibraries.Contains(k[..Math.Max(0, k.IndexOf('/', StringComparison.Ordinal))], StringComparer.OrdinalIgnoreCase)));
                        var seen = new HashSet<string>(queue, StringComparer.OrdinalIgnoreCase);
                        while (queue.Count > 0)
                        {
                            var library = libraries[queue.Dequeue()];
                            if (library.TryGetProperty("runtime", out var runtime))
                            {
                                result.AddRange(runtime.EnumerateObject().Select(asset => Path.GetFileNameWithoutExtension(asset.Name)));
                            }

                            if (library.TryGetProperty("dependencies", out var dependencies))
                            {
                                foreach (var dependency in dependencies.EnumerateObject())
                                {
                                    var key = dependency.Name + "/" + dependency.Value.GetString();
                                    if (libraries.ContainsKey(key) && seen.Add(key))
                                    {
                                        queue.Enqueue(key);
                                    }
                                }
                            }
                        }
                    }
                }
                catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    // A deps file we cannot read adds nothing; the metadata walk still applies.
                }
            }

            return result;
        }

        private static IEnumerable<string> TrustedPlatformAssemblies() =>
            (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
    }
}
