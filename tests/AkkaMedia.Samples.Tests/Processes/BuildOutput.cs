namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>
/// Finds the built entry assemblies of the repository's executables (samples and the <c>akkamedia</c>
/// host) in their own output folders, built in the same configuration as these specs. Those projects
/// are project references of this one, so building the specs builds them.
/// </summary>
internal static class BuildOutput
{
    private const string SolutionFile = "AkkaMedia.sln";
    private const string ThisProject = "tests/AkkaMedia.Samples.Tests";

    /// <summary>The repository root: the nearest folder above the specs' output that holds the solution.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>samples/<paramref name="sample"/>/bin/…/<paramref name="sample"/>.dll</c>.</summary>
    /// <exception cref="FileNotFoundException">The sample is not built; the message says how to build it.</exception>
    public static string Sample(string sample) => Find(Path.Combine("samples", sample), sample);

    /// <summary>The <c>akkamedia</c> host's entry assembly.</summary>
    /// <exception cref="FileNotFoundException">The host is not built; the message says how to build it.</exception>
    public static string Host() => Find("AkkaMedia.Host", "akkamedia");

    private static string Find(string projectFolder, string assemblyName)
    {
        // This project's output folder relative to the project (bin/Release/net10.0) is the same for its references.
        var outputFolder = Path.GetRelativePath(Path.Combine(RepositoryRoot, ThisProject), AppContext.BaseDirectory);
        var dll = Path.Combine(RepositoryRoot, projectFolder, outputFolder, assemblyName + ".dll");
        if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new FileNotFoundException(
                $"'{dll}' (and its runtimeconfig.json) is missing. Build it in the configuration of these specs: dotnet build {projectFolder.Replace('\\', '/')} -c <Debug|Release>.",
                dll);
        }

        return dll;
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFile)))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No {SolutionFile} above '{AppContext.BaseDirectory}': run these specs from their build output inside the repository.");
    }
}
