using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// User assemblies made at test time: compiled with Roslyn into a temporary folder of their own (never
/// the test's bin, so the executor's default load context cannot find them) and loaded on the client
/// side into a load context per folder, as a user's application would hold its own classes.
/// </summary>
public static class UserCode
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(static p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(static p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    private static readonly string Root = Path.Combine(Path.GetTempPath(), "akka-media-usercode", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Compiles <paramref name="source"/> into <c>&lt;temp&gt;/…/&lt;name&gt;.dll</c> with assembly version
    /// <paramref name="version"/> and loads it client-side. <paramref name="references"/> are other user
    /// assemblies it uses: copied beside it (as a build would) and shared with it on the client.
    /// </summary>
    public static Assembly Load(string name, string source, string version = "1.0.0.0", params Assembly[] references)
    {
        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (var reference in references)
        {
            File.Copy(reference.Location, Path.Combine(folder, Path.GetFileName(reference.Location)));
        }

        var path = Path.Combine(folder, name + ".dll");
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source), CSharpSyntaxTree.ParseText($"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]")],
            References.Value.Concat(references.Select(static r => MetadataReference.CreateFromFile(r.Location))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Disable));
        var result = compilation.Emit(path);
        if (!result.Success)
        {
            throw new InvalidOperationException($"User code {name} does not compile:\n" + string.Join("\n", result.Diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error)));
        }

        return new FolderLoadContext(folder, references).LoadFromAssemblyPath(path);
    }

    /// <summary>Creates an instance of <paramref name="typeName"/> from <paramref name="assembly"/>.</summary>
    public static object Create(Assembly assembly, string typeName, params object?[] arguments) =>
        Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!, arguments)!;

    /// <summary>A client-side context for one folder of user code (non-collectible, like an application's own classes).</summary>
    private sealed class FolderLoadContext(string folder, Assembly[] shared) : AssemblyLoadContext("user-code-" + Path.GetFileName(folder), isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (shared.FirstOrDefault(a => a.GetName().Name == assemblyName.Name) is { } known)
            {
                return known;
            }

            var candidate = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
