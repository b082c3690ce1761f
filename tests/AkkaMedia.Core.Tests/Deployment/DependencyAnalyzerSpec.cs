using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using AkkaMedia.Deployment;
using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Deployment;

/// <summary>
/// The fixture DeployFixture.Plugin is a user node library with a local project reference (DeployFixture.Helper),
/// a NuGet package (Humanizer.Core) and a compile-only reference to AkkaMedia.Core; its build output is copied to
/// fixtures/DeployFixture.Plugin beside the tests, outside their .deps.json.
/// </summary>
public sealed class DependencyAnalyzerSpec : IDisposable
{
    private static readonly string FixtureFolder = Path.Combine(AppContext.BaseDirectory, "fixtures", "DeployFixture.Plugin");
    private static readonly string PluginPath = Path.Combine(FixtureFolder, "DeployFixture.Plugin.dll");

    /// <summary>The runtime identifier whose native files the build copied beside the fixtures (this machine's portable one).</summary>
    private static readonly string FixtureRid = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "fixtures", "RealLibrary.Onnx", "runtimes"))));

    private readonly List<string> _temporaryFolders = [];

    [Fact]
    public void Analyzer_must_ship_the_entry_assembly_its_local_project_and_its_NuGet_package()
    {
        var package = DependencyAnalyzer.Analyze(PluginPath);

        Assert.Equal("DeployFixture.Plugin", package.EntryAssembly);
        Assert.Equal("DeployFixture.Plugin", package.Entries[0].Name);
        Assert.Equal(["DeployFixture.Helper", "DeployFixture.Plugin", "Humanizer"], package.Entries.Select(e => e.Name).Order());
    }

    [Fact]
    public void Analyzer_must_leave_out_framework_and_AkkaMedia_assemblies_the_plugin_references()
    {
        var direct = ReferencedNames(PluginPath);
        Assert.Contains("AkkaMedia.Core", direct);
        Assert.Contains("System.Runtime", direct);

        var shipped = DependencyAnalyzer.Analyze(PluginPath).Entries.Select(e => e.Name).ToHashSet();

        Assert.DoesNotContain("AkkaMedia.Core", shipped);
        Assert.DoesNotContain("System.Runtime", shipped);
        Assert.DoesNotContain(shipped, n => n.StartsWith("System.", StringComparison.Ordinal) || n.StartsWith("Akka", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Akka")]
    [InlineData("Akka.Streams")]
    [InlineData("Hyperion")]
    [InlineData("Newtonsoft.Json")]
    [InlineData("DotNetty.Common")]
    public void What_AkkaMedia_depends_on_must_never_ship_even_from_a_copy_in_the_user_folder(string sdkDependency)
    {
        // Newtonsoft.Json and DotNetty are not referenced by AkkaMedia.Core directly but by Akka and Akka.Remote.
        var original = Path.Combine(AppContext.BaseDirectory, sdkDependency + ".dll");
        var folder = CopyFixture();
        var copy = Path.Combine(folder, Path.GetFileName(original));
        File.Copy(original, copy);

        var package = DependencyAnalyzer.Analyze(copy);

        Assert.Equal(sdkDependency, package.EntryAssembly);
        Assert.Empty(package.Entries);
    }

    [Fact]
    public void Manifest_must_carry_the_name_version_length_and_SHA256_of_each_file()
    {
        var package = DependencyAnalyzer.Analyze(PluginPath);

        foreach (var entry in package.Entries)
        {
            var path = Path.Combine(FixtureFolder, entry.FileName);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(bytes.LongLength, entry.Length);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), entry.Sha256);
            Assert.Equal(AssemblyName.GetAssemblyName(path).Version!.ToString(), entry.Version);

            using var stream = package.OpenRead(entry);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        Assert.Equal(package.Entries.Sum(e => new FileInfo(Path.Combine(FixtureFolder, e.FileName)).Length), package.TotalBytes);
    }

    [Fact]
    public void Analyzer_must_find_dependencies_in_the_assembly_folder_when_there_is_no_deps_json()
    {
        var folder = CopyFixture();
        File.Delete(Path.Combine(folder, "DeployFixture.Plugin.deps.json"));

        var package = DependencyAnalyzer.Analyze(Path.Combine(folder, "DeployFixture.Plugin.dll"));

        Assert.Equal(["DeployFixture.Helper", "DeployFixture.Plugin", "Humanizer"], package.Entries.Select(e => e.Name).Order());
        using var stream = package.OpenRead(package.Entries.Single(e => e.Name == "Humanizer"));
        Assert.StartsWith(folder, ((FileStream)stream).Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyzer_must_name_an_unresolvable_dependency_and_who_references_it()
    {
        var folder = CopyFixture();
        File.Delete(Path.Combine(folder, "DeployFixture.Helper.dll"));

        var error = Assert.Throws<UnresolvedDependencyException>(() => DependencyAnalyzer.Analyze(Path.Combine(folder, "DeployFixture.Plugin.dll")));

        Assert.Equal("DeployFixture.Helper", error.MissingAssembly);
        Assert.Equal("DeployFixture.Plugin", error.ReferencedBy);
        Assert.Contains("DeployFixture.Helper", error.Message);
        Assert.Contains("DeployFixture.Plugin", error.Message);
        Assert.Contains(folder, error.Message);
    }

    [Fact]
    public void Analyzer_must_not_load_what_it_analyzes()
    {
        _ = DependencyAnalyzer.Analyze(PluginPath);

        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).ToHashSet();
        Assert.DoesNotContain("DeployFixture.Plugin", loaded);
        Assert.DoesNotContain("DeployFixture.Helper", loaded);
        Assert.DoesNotContain("Humanizer", loaded);
    }

    [Fact]
    public void An_AkkaMedia_assembly_must_give_an_empty_package()
    {
        var package = DependencyAnalyzer.Analyze(typeof(Node<,>).Assembly);

        Assert.Equal("AkkaMedia.Core", package.EntryAssembly);
        Assert.Empty(package.Entries);
        Assert.Equal(0, package.TotalBytes);
    }

    [Fact]
    public void OpenRead_must_refuse_an_entry_of_another_package()
    {
        var package = DependencyAnalyzer.Analyze(PluginPath);
        var foreign = new PackageEntry("Other", "1.0.0.0", new string('a', 64), 10);

        Assert.Throws<ArgumentException>(() => package.OpenRead(foreign));
    }

    [Fact]
    public void Analyzer_must_ship_the_native_libraries_of_the_entry_s_packages_for_this_runtime_identifier_only()
    {
        var onnx = Path.Combine(AppContext.BaseDirectory, "fixtures", "RealLibrary.Onnx");

        var package = DependencyAnalyzer.Analyze(Path.Combine(onnx, "RealLibrary.Onnx.dll"));

        Assert.Equal(["RealLibrary.Onnx", "Microsoft.ML.OnnxRuntime", "System.Numerics.Tensors"], package.Entries.Where(e => e.Kind == PackageEntryKind.Assembly).Select(e => e.Name));
        var natives = package.Entries.Where(e => e.Kind == PackageEntryKind.NativeLibrary).ToArray();
        Assert.Equal(["libonnxruntime.so", "libonnxruntime_providers_shared.so"], natives.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(natives, e => Assert.Equal("1.32.0", e.Version));
        Assert.All(natives, e => Assert.Equal(Path.Combine(onnx, "runtimes", FixtureRid, "native", e.Name), package.PathOf(e)));
        Assert.Equal(package.Entries.Count - natives.Length, package.Entries.TakeWhile(e => e.Kind == PackageEntryKind.Assembly).Count());
    }

    [Fact]
    public void Analyzer_must_not_ship_the_native_files_of_the_SDK_s_packages_nor_any_without_a_deps_json()
    {
        // The plugin's build output holds runtimes/<rid>/native files of packages AkkaMedia depends on (LightningDB, SQLite).
        Assert.DoesNotContain(DependencyAnalyzer.Analyze(PluginPath).Entries, e => e.Kind == PackageEntryKind.NativeLibrary);

        var folder = CopyFolder(Path.Combine(AppContext.BaseDirectory, "fixtures", "RealLibrary.Onnx"));
        File.Delete(Path.Combine(folder, "RealLibrary.Onnx.deps.json"));
        Assert.DoesNotContain(DependencyAnalyzer.Analyze(Path.Combine(folder, "RealLibrary.Onnx.dll")).Entries, e => e.Kind == PackageEntryKind.NativeLibrary);
    }

    [Fact]
    public void Analyzer_must_not_ship_the_native_libraries_of_a_package_whose_assemblies_do_not_ship()
    {
        // As a client app that references a library which depends on ONNX Runtime, without using it: the deps.json
        // reaches the native package, but no assembly of it (nor of a package it depends on) ships.
        var folder = CopyFolder(Path.Combine(AppContext.BaseDirectory, "fixtures", "RealLibrary.Onnx"));
        var deps = Path.Combine(folder, "RealLibrary.Onnx.deps.json");
        File.WriteAllText(deps, File.ReadAllText(deps)
            .Replace("lib/net8.0/Microsoft.ML.OnnxRuntime.dll", "lib/net8.0/Microsoft.ML.OnnxRuntime.Unused.dll", StringComparison.Ordinal)
            .Replace("lib/net9.0/System.Numerics.Tensors.dll", "lib/net9.0/System.Numerics.Tensors.Unused.dll", StringComparison.Ordinal));

        var package = DependencyAnalyzer.Analyze(Path.Combine(folder, "RealLibrary.Onnx.dll"));

        Assert.Contains(package.Entries, e => e.Name == "Microsoft.ML.OnnxRuntime");
        Assert.DoesNotContain(package.Entries, e => e.Kind == PackageEntryKind.NativeLibrary);
    }

    [Fact]
    public void Analyzer_must_name_a_native_library_the_deps_json_lists_but_the_folder_lacks()
    {
        var folder = CopyFolder(Path.Combine(AppContext.BaseDirectory, "fixtures", "RealLibrary.Onnx"));
        File.Delete(Path.Combine(folder, "runtimes", FixtureRid, "native", "libonnxruntime_providers_shared.so"));

        var error = Assert.Throws<UnresolvedDependencyException>(() => DependencyAnalyzer.Analyze(Path.Combine(folder, "RealLibrary.Onnx.dll")));

        Assert.Equal(("libonnxruntime_providers_shared.so", "Microsoft.ML.OnnxRuntime/1.32.0"), (error.MissingAssembly, error.ReferencedBy));
    }

    [Fact]
    public void PackageEntry_must_name_a_native_library_s_file_as_it_is()
    {
        var native = new PackageEntry("libonnxruntime.so", "1.32.0", new string('0', 64), 1, PackageEntryKind.NativeLibrary);

        Assert.Equal("libonnxruntime.so", native.FileName);
        Assert.Equal("Humanizer.dll", new PackageEntry("Humanizer", "3.0.0.0", new string('0', 64), 1).FileName);
        Assert.NotEqual(native, new PackageEntry("libonnxruntime.so", "1.32.0", new string('0', 64), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackageEntry("libonnxruntime.so", "1.32.0", new string('0', 64), 1, (PackageEntryKind)7));
    }

    [Theory]
    [InlineData("", "1.0", 1)]
    [InlineData("../evil", "1.0", 1)]
    [InlineData("a/b", "1.0", 1)]
    [InlineData("Good", "1.0", 0)]
    public void PackageEntry_must_reject_names_that_are_not_plain_file_names_and_empty_files(string name, string version, long length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackageEntry(name, version, new string('0', 64), length));

    [Theory]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("abc")]
    [InlineData("../00000000000000000000000000000000000000000000000000000000000000")]
    public void PackageEntry_must_reject_a_hash_that_is_not_64_lowercase_hex_digits(string hash)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PackageEntry("Good", "1.0", hash, 1));
        Assert.Equal("Sha256", error.ParamName);
    }

    public void Dispose()
    {
        foreach (var folder in _temporaryFolders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IReadOnlyList<string> ReferencedNames(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToArray();
    }

    /// <summary>A copy of <paramref name="source"/> with everything below it, in a folder deleted on dispose.</summary>
    private string CopyFolder(string source)
    {
        var folder = Path.Combine(Path.GetTempPath(), "akka-media-analyzer-" + Guid.NewGuid().ToString("N"));
        _temporaryFolders.Add(folder);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }

    private string CopyFixture()
    {
        var folder = Path.Combine(Path.GetTempPath(), "akka-media-analyzer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        _temporaryFolders.Add(folder);
        foreach (var file in Directory.GetFiles(FixtureFolder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }
}
