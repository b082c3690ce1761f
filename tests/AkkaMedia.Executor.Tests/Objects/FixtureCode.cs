using System.Reflection;
using System.Runtime.Loader;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// The user-code fixtures built beside the tests (<c>fixtures/&lt;name&gt;/</c>, see tests/Fixtures), loaded client-side
/// into a load context per fixture, as the user's application would hold them: the SDK comes from the default context.
/// </summary>
public static class FixtureCode
{
    private static readonly Dictionary<string, Assembly> Loaded = new(StringComparer.Ordinal);

    /// <summary>The entry assembly of fixture <paramref name="name"/>, loaded once per process.</summary>
    public static Assembly Load(string name)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var assembly))
            {
                var folder = Path.Combine(AppContext.BaseDirectory, "fixtures", name);
                assembly = new FolderContext(folder).LoadFromAssemblyPath(Path.Combine(folder, name + ".dll"));
                Loaded[name] = assembly;
            }

            return assembly;
        }
    }

    private sealed class FolderContext(string folder) : AssemblyLoadContext("fixture-" + Path.GetFileName(folder), isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var candidate = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
