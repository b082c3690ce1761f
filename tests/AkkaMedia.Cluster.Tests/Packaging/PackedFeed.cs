using System.Diagnostics;
using System.Text.Json;

namespace AkkaMedia.Cluster.Tests.Packaging;

/// <summary>
/// A class fixture: the repository's solution packed with <c>dotnet pack --no-build</c> (the build the specs run
/// beside) into a local folder feed, and the <c>AkkaMedia.Cli</c> tool installed from that feed into a tool path.
/// Everything lives in one temporary folder outside the repository.
/// </summary>
/// <remarks>
/// Every run packs a version of its own (<c>0.1.0-spec…</c>): NuGet never takes a package of a version it already holds
/// in its global packages folder from a feed again, so a fixed version would let a stale copy from an earlier run pass
/// for this build. Disposing deletes the temporary folder and the copies of this version in the global packages folder.
/// </remarks>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>The library packages the solution must produce.</summary>
    public static readonly IReadOnlyList<string> LibraryIds =
        ["AkkaMedia.Core", "AkkaMedia.Nodes", "AkkaMedia.Executor", "AkkaMedia.Speech", "AkkaMedia.TestKit", "AkkaMedia.Hosting"];

    /// <summary>The .NET tool package of the <c>akkamedia</c> command.</summary>
    public const string ToolId = "AkkaMedia.Cli";

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);

    private readonly List<(string Step, TimeSpan Elapsed)> _timings = [];

    /// <summary>The temporary folder of this fixture.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "akkamedia-package-spec", Guid.NewGuid().ToString("N"));

    /// <summary>The local folder feed the packages were written to.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The version every package of this run carries.</summary>
    public string Version { get; } = $"{BaseVersion(ProductVersion)}-spec{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>What the built <c>akkamedia</c> says its version is (informational version, <c>0.1.0+commit</c>).</summary>
    public static string ProductVersion =>
        FileVersionInfo.GetVersionInfo(TestPaths.HostDll).ProductVersion
        ?? throw new InvalidOperationException($"{TestPaths.HostDll} has no product version.");

    /// <summary>The installed <c>akkamedia</c> command.</summary>
    public string ToolCommand => Path.Combine(Root, "tool", OperatingSystem.IsWindows() ? "akkamedia.exe" : "akkamedia");

    /// <summary>How long each step took, for the specs' output.</summary>
    public IReadOnlyList<(string Step, TimeSpan Elapsed)> Timings => _timings;

    /// <summary>The package files in the feed, by file name.</summary>
    public IReadOnlyList<string> PackageFiles => Directory.GetFiles(Feed).Select(Path.GetFileName).OfType<string>().Order().ToList();

    /// <summary>The path of package <paramref name="id"/> (or of its symbols with <c>.snupkg</c>) in the feed.</summary>
    public string PackagePath(string id, string extension = ".nupkg") => Path.Combine(Feed, $"{id}.{Version}{extension}");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var repository = Path.GetFullPath(TestPaths.RepositoryRoot);
        if (Path.GetFullPath(Root).StartsWith(repository, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The temporary folder {Root} is inside the repository {repository}: a project there would inherit its Directory.Build.props. Point TMPDIR elsewhere.");
        }

        Directory.CreateDirectory(Root);
        try
        {
            await TimeAsync("dotnet pack (solution, --no-build)", () => DotnetCommand.RunAsync(
                repository,
                PackTimeout,
                "pack", Path.Combine(repository, "AkkaMedia.sln"), "-c", TestPaths.Configuration, "--no-build", "-o", Feed,
                $"-p:PackageVersion={Version}",
                // Pack's own by-products (nuspec files, the tool's publish folder) go here, not into the repository.
                $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}{Path.DirectorySeparatorChar}",
                $"-p:PublishDir={Path.Combine(Root, "publish")}{Path.DirectorySeparatorChar}"));
            await TimeAsync("dotnet tool install", () => DotnetCommand.RunAsync(
                Root,
                InstallTimeout,
                "tool", "install", "--tool-path", Path.Combine(Root, "tool"), ToolId, "--add-source", Feed, "--version", Version));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="step"/> and records how long it took under <paramref name="name"/>.</summary>
    public async Task TimeAsync(string name, Func<Task> step)
    {
        var watch = Stopwatch.StartNew();
        await step();
        _timings.Add((name, watch.Elapsed));
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        // Where restores of this run put their packages: the assets file of the project that restored them says.
        var assets = Path.Combine(Root, "consumer", "obj", "project.assets.json");
        var globalPackages = File.Exists(assets)
            ? GlobalPackagesFolders(assets)
            : [System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } variable
                ? variable
                : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages")];
        foreach (var id in LibraryIds.Append(ToolId))
        {
            foreach (var folder in globalPackages)
            {
                var package = Path.Combine(folder, id.ToLowerInvariant());
                DeleteFolder(Path.Combine(package, Version.ToLowerInvariant()));
                if (Directory.Exists(package) && !Directory.EnumerateFileSystemEntries(package).Any())
                {
                    Directory.Delete(package);
                }
            }
        }

        DeleteFolder(Root);
        return Task.CompletedTask;
    }

    private static IReadOnlyList<string> GlobalPackagesFolders(string assetsFile)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        return assets.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToList();
    }

    private static string BaseVersion(string productVersion) => productVersion.Split('+', '-')[0];

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
