using System.IO.Compression;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user gets them: the solution packed into a local feed (<see cref="PackedFeed"/>), a new
/// project outside the repository that uses them against a real <c>akkamedia node</c>, and the <c>akkamedia</c> .NET
/// tool installed from the feed.
/// </summary>
public sealed class PackageSpec : IClassFixture<PackedFeed>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly PackedFeed _feed;
    private readonly ITestOutputHelper _output;

    public PackageSpec(PackedFeed feed, ITestOutputHelper output)
    {
        _feed = feed;
        _output = output;
    }

    [Fact]
    public void Packing_the_solution_must_produce_the_libraries_and_the_tool_and_nothing_else()
    {
        var expected = PackedFeed.LibraryIds.Append(PackedFeed.ToolId)
            .SelectMany(id => new[] { $"{id}.{_feed.Version}.nupkg", $"{id}.{_feed.Version}.snupkg" })
            .Order()
            .ToList();

        Assert.Equal(expected, _feed.PackageFiles);
        WriteTimings();
    }

    [Fact]
    public void Every_package_must_carry_its_description_readme_license_and_tags()
    {
        foreach (var id in PackedFeed.LibraryIds.Append(PackedFeed.ToolId))
        {
            using var package = ZipFile.OpenRead(_feed.PackagePath(id));
            var metadata = Metadata(package, id);
            var description = Value(metadata, "description");
            Assert.False(string.IsNullOrWhiteSpace(description) || description == "Package Description", $"{id} has no description of its own.");
            Assert.Equal("Apache-2.0", Value(metadata, "license"));
            Assert.Equal("README.md", Value(metadata, "readme"));
            Assert.StartsWith($"# {id}", ReadEntry(package, "README.md"));
            Assert.Contains("Apache License", ReadEntry(package, "LICENSE"));
            Assert.Contains("akka", Value(metadata, "tags").Split(' '));
        }
    }

    [Fact]
    public void Every_library_package_must_carry_its_assembly_its_api_documentation_and_its_symbols()
    {
        foreach (var id in PackedFeed.LibraryIds)
        {
            using var package = ZipFile.OpenRead(_feed.PackagePath(id));
            var entries = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);

            using var symbols = ZipFile.OpenRead(_feed.PackagePath(id, ".snupkg"));
            Assert.Contains($"lib/net10.0/{id}.pdb", symbols.Entries.Select(e => e.FullName));
        }
    }

    [Fact]
    public void The_speech_package_must_hand_the_native_whisper_libraries_on_to_its_users()
    {
        // Whisper.net.Runtime copies its native libraries with build targets; a dependency that excludes "Build"
        // would leave an application that references AkkaMedia.Speech without them.
        using var package = ZipFile.OpenRead(_feed.PackagePath("AkkaMedia.Speech"));
        var runtime = Metadata(package, "AkkaMedia.Speech").Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Whisper.net.Runtime");

        Assert.DoesNotContain("Build", ((string?)runtime.Attribute("exclude") ?? string.Empty).Split(','));
    }

    [Fact]
    public void The_tool_package_must_hold_the_akkamedia_command_and_no_native_file_a_tool_cannot_use()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath(PackedFeed.ToolId));
        var metadata = Metadata(package, PackedFeed.ToolId);
        var entries = package.Entries.Select(e => e.FullName).ToList();

        Assert.Contains(metadata.Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        var settings = XDocument.Parse(ReadEntry(package, "tools/net10.0/any/DotnetToolSettings.xml"));
        var command = Assert.Single(settings.Descendants("Command"));
        Assert.Equal("akkamedia", (string?)command.Attribute("Name"));
        Assert.Equal("akkamedia.dll", (string?)command.Attribute("EntryPoint"));
        Assert.DoesNotContain(entries, e => e.Contains("/runtimes/android/", StringComparison.Ordinal)
            || e.Contains("/runtimes/ios/", StringComparison.Ordinal)
            || e.EndsWith(".lib", StringComparison.Ordinal));

        // The speech nodes still find their native libraries on this machine's platform.
        Assert.Contains(entries, e => e.StartsWith("tools/net10.0/any/runtimes/", StringComparison.Ordinal) && e.Contains("onnxruntime", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.StartsWith("tools/net10.0/any/runtimes/", StringComparison.Ordinal) && e.Contains("whisper", StringComparison.Ordinal));
        _output.WriteLine($"{PackedFeed.ToolId}: {new FileInfo(_feed.PackagePath(PackedFeed.ToolId)).Length / 1_000_000.0:0.0} MB, {package.Entries.Sum(e => e.Length) / 1_000_000.0:0.0} MB unpacked");
    }

    [Fact]
    public async Task The_installed_tool_must_print_the_version_it_was_built_as()
    {
        await using var run = HostProcess.StartCommand(_feed.ToolCommand, ["--version"], _feed.Root);
        var exitCode = await run.WaitForExitAsync(RunTimeout);
        var version = await run.WaitForLineAsync(l => l.Length > 0, RunTimeout, "a version");

        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{run.Transcript}");
        Assert.Equal(PackedFeed.ProductVersion, version.Trim());
    }

    [Fact]
    public async Task A_new_project_outside_the_repository_must_deploy_its_own_class_from_the_packages_to_a_node_of_the_installed_tool()
    {
        var folder = ConsumerProject.Write(Path.Combine(_feed.Root, "consumer"), _feed.Feed, _feed.Version);
        await _feed.TimeAsync("consumer: dotnet build (restore from the feed)", () => DotnetCommand.RunAsync(folder, BuildTimeout, "build", "-c", "Release"));
        var output = Path.Combine(folder, "bin", "Release", "net10.0");
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(output, "runtimes"), "*", SearchOption.AllDirectories), f => Path.GetFileName(f).Contains("whisper", StringComparison.Ordinal));

        // The node is the installed tool, its code cache inside the fixture's folder.
        var config = Path.Combine(_feed.Root, "node.conf");
        await File.WriteAllTextAsync(config, $"akka-media.executor.packages.folder = \"{Path.Combine(_feed.Root, "node-packages").Replace("\\", "\\\\", StringComparison.Ordinal)}\"");
        await using var node = await NodeProcess.StartCommandAsync(_feed.ToolCommand, _feed.Root, "--port", "0", "--admin-port", "0", "--config", config);
        var seed = node.Address[(node.Address.IndexOf('@', StringComparison.Ordinal) + 1)..];

        await using var app = HostProcess.StartCommand("dotnet", [Path.Combine(output, $"{ConsumerProject.Name}.dll"), seed], folder, DotnetCommand.Environment);
        var exitCode = await app.WaitForExitAsync(RunTimeout);
        var answer = await app.WaitForLineAsync(l => l.StartsWith("ANSWER ", StringComparison.Ordinal), RunTimeout, "the ANSWER line");

        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{app.Transcript}{Environment.NewLine}{node.Process.Transcript}");
        Assert.Equal($"ANSWER {ConsumerProject.Words} FROM {node.Address}", answer);
        WriteTimings();
    }

    private static XElement Metadata(ZipArchive package, string id) =>
        XDocument.Parse(ReadEntry(package, $"{id}.nuspec")).Descendants().First(e => e.Name.LocalName == "metadata");

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;

    private static string ReadEntry(ZipArchive package, string name)
    {
        var entry = package.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"The package has no {name}.");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private void WriteTimings()
    {
        foreach (var (step, elapsed) in _feed.Timings)
        {
            _output.WriteLine($"{step}: {elapsed.TotalSeconds:0.0} s");
        }
    }
}
