using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// User code made at benchmark time: compiled with Roslyn into a temporary folder of its own (never the
/// benchmark's bin, so neither this process's default load context nor the executor can find it) and
/// loaded from that path into a load context per folder, as a user's application holds its own classes.
/// </summary>
internal static class UserAssembly
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(static p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(static p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    private static readonly string Root = Path.Combine(Path.GetTempPath(), "akka-media-bench-usercode", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Compiles <paramref name="source"/> into <c>&lt;temp&gt;/…/&lt;name&gt;.dll</c>, embedding
    /// <paramref name="resourceBytes"/> (when any) as the manifest resource <c>payload.bin</c>, and loads it.
    /// </summary>
    public static Assembly Compile(string name, string source, byte[]? resourceBytes = null)
    {
        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".dll");
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Disable));
        var resources = resourceBytes is null
            ? null
            : new[] { new ResourceDescription("payload.bin", () => new MemoryStream(resourceBytes, writable: false), isPublic: true) };
        using (var output = File.Create(path))
        {
            var result = compilation.Emit(output, manifestResources: resources);
            if (!result.Success)
            {
                throw new InvalidOperationException($"User code {name} does not compile:\n" + string.Join("\n", result.Diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error)));
            }
        }

        return new FolderLoadContext(folder).LoadFromAssemblyPath(path);
    }

    /// <summary>Deletes every folder this process compiled into (the loaded assemblies stay mapped; failures are ignored).</summary>
    public static void DeleteAll()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A client-side context for one folder of user code (non-collectible, like an application's own classes).</summary>
    private sealed class FolderLoadContext(string folder) : AssemblyLoadContext("bench-user-code-" + Path.GetFileName(folder), isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var candidate = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
