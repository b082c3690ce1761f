using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AkkaMedia.Executor.Tests.Sandbox;

/// <summary>
/// Compiles small C# sources into assemblies on disk at test time (Roslyn), against the running framework and
/// AkkaMedia.Core: user code for sandbox and loading specs, including two versions of one assembly
/// (<c>[assembly: System.Reflection.AssemblyVersion("2.0.0.0")]</c> in the source).
/// </summary>
public static class TestAssemblyCompiler
{
    private static readonly Lazy<MetadataReference[]> Framework = new(() =>
        Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Where(IsManaged)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(AkkaMedia.Nodes.Node<,>).Assembly.Location))
            .ToArray());

    /// <summary>Compiles <paramref name="source"/> into <c>&lt;folder&gt;/&lt;assemblyName&gt;.dll</c> and returns its path.</summary>
    /// <param name="folder">Output folder; created when missing.</param>
    /// <param name="assemblyName">Simple name of the assembly (and its file).</param>
    /// <param name="source">C# source; may use unsafe code.</param>
    /// <param name="references">Paths of further assemblies it references (for example an earlier compiled one).</param>
    /// <exception cref="InvalidOperationException">The source does not compile; the message lists the errors.</exception>
    public static string Compile(string folder, string assemblyName, string source, params string[] references)
    {
        Directory.CreateDirectory(folder);
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source)],
            Framework.Value.Concat(references.Select(r => MetadataReference.CreateFromFile(r))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Disable));
        var path = Path.Combine(folder, assemblyName + ".dll");
        using (var output = File.Create(path))
        {
            var result = compilation.Emit(output);
            if (!result.Success)
            {
                var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
                throw new InvalidOperationException($"{assemblyName} does not compile:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
            }
        }

        return path;
    }

    private static bool IsManaged(string path)
    {
        try
        {
            _ = System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
