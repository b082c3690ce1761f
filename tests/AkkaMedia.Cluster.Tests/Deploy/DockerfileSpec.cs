using System.Text.Json;
using System.Xml.Linq;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// deploy/Dockerfile and the build context .dockerignore leaves it, read as Docker reads them (no container engine runs
/// here): the stages, what is copied from where, the entrypoint and the user it runs as.
/// </summary>
public sealed class DockerfileSpec
{
    private static readonly IReadOnlyList<DockerfileInstruction> Instructions = DockerfileInstruction.Load(DeployFiles.Dockerfile);

    private static readonly DockerIgnore Ignore = DockerIgnore.Load(Path.Combine(TestPaths.RepositoryRoot, ".dockerignore"));

    [Fact]
    public void Dockerfile_must_build_on_the_dotnet_sdk_and_run_on_the_aspnet_runtime()
    {
        var stages = Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Words[0]).ToList();

        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", stages[0]);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", stages[^1]);
        Assert.Contains(Instructions.Except(RuntimeStage()), i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish AkkaMedia.Host/AkkaMedia.Host.csproj", StringComparison.Ordinal));
        Assert.Contains(RuntimeStage(), i => i.Keyword == "COPY" && i.CopyFrom == "build" && i.CopyPaths.Destination == "/app");
    }

    [Fact]
    public void Dockerfile_must_start_the_entrypoint_script_as_a_user_that_is_not_root()
    {
        var entrypoint = JsonSerializer.Deserialize<string[]>(RuntimeStage().Last(i => i.Keyword == "ENTRYPOINT").Arguments)!;
        var user = RuntimeStage().Last(i => i.Keyword == "USER").Words[0].Split(':')[0];

        // The exec form: the script is the container's first process and execs the host, which then gets SIGTERM.
        var script = Assert.Single(entrypoint);
        Assert.Contains(RuntimeStage(), i => i.Keyword == "COPY" && i.CopyFrom is null && i.CopyPaths.Sources.SequenceEqual(["deploy/entrypoint.sh"]) && i.CopyPaths.Destination == script);
        Assert.DoesNotContain(user, new[] { "root", "0" });
    }

    [Fact]
    public void Dockerfile_must_copy_only_paths_that_exist_and_that_the_build_context_keeps()
    {
        var sources = Instructions.Where(i => i.Keyword == "COPY" && i.CopyFrom is null).SelectMany(i => i.CopyPaths.Sources).ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources.Where(s => s != "."))
        {
            Assert.True(Path.Exists(Path.Combine(TestPaths.RepositoryRoot, source)), $"deploy/Dockerfile copies {source}, which is not in the repository.");
            Assert.False(Ignore.Excludes(source), $"deploy/Dockerfile copies {source}, which .dockerignore leaves out of the build context.");
        }
    }

    [Fact]
    public void Build_context_must_hold_every_file_the_host_is_built_from()
    {
        var needed = new List<string> { "Directory.Build.props", "Directory.Packages.props", "global.json" };
        var projects = new Queue<string>([Path.Combine(TestPaths.RepositoryRoot, "AkkaMedia.Host", "AkkaMedia.Host.csproj")]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (projects.TryDequeue(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }

            needed.Add(Relative(project));
            var folder = Path.GetDirectoryName(project)!;
            foreach (var item in XDocument.Load(project).Descendants().Where(e => e.Attribute("Include") is not null))
            {
                var include = item.Attribute("Include")!.Value.Replace('\\', '/');
                if (item.Name.LocalName == "ProjectReference")
                {
                    projects.Enqueue(Path.GetFullPath(Path.Combine(folder, include)));
                }
                else if (include.StartsWith("../", StringComparison.Ordinal) && !include.Contains('*', StringComparison.Ordinal))
                {
                    // A file outside the project's folder (the hocon files, the compiled browser client).
                    needed.Add(Relative(Path.GetFullPath(Path.Combine(folder, include))));
                }
            }
        }

        Assert.Contains("AkkaMedia.Core/AkkaMedia.Core.csproj", needed);
        Assert.Contains("clients/js/dist/akka-media.js", needed);
        Assert.All(needed, path => Assert.False(Ignore.Excludes(path), $".dockerignore leaves {path} out of the build context; the image's build needs it."));
        Assert.All(needed, path => Assert.True(Path.Exists(Path.Combine(TestPaths.RepositoryRoot, path)), $"{path} is not in the repository."));
    }

    [Fact]
    public void Build_context_must_leave_out_build_output_tests_and_models()
    {
        Assert.All(
            ["AkkaMedia.Host/bin/Release/net10.0/akkamedia.dll", "AkkaMedia.Core/obj/project.assets.json", "tests/AkkaMedia.Cluster.Tests/HostProcess.cs", "models/silero_vad_v5.onnx", ".git/HEAD", "clients/js/node_modules/x.js"],
            path => Assert.True(Ignore.Excludes(path), $".dockerignore keeps {path} in the build context."));
    }

    [Fact]
    public void Runtime_image_must_have_the_native_libraries_of_the_speech_nodes()
    {
        var installs = string.Join(' ', RuntimeStage().Where(i => i.Keyword == "RUN").Select(i => i.Arguments));

        Assert.All(["libespeak-ng1", "espeak-ng-data", "libgomp1"], package => Assert.Contains($" {package} ", installs + " ", StringComparison.Ordinal));
        Assert.Contains(RuntimeStage(), i => i.Keyword == "ENV" && i.Arguments.Contains("AKKA_MEDIA_MODELS=/app/models", StringComparison.Ordinal));
    }

    [Fact]
    public void Runtime_image_must_expose_the_ports_of_the_nodes()
    {
        var exposed = RuntimeStage().Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Words).ToHashSet(StringComparer.Ordinal);

        // Akka.Remote, Akka.Management, node HTTP, serve HTTP: the defaults the manifests and compose.yaml use.
        Assert.Superset(new HashSet<string>(["4053", "8558", "9111", "8080"], StringComparer.Ordinal), exposed);
    }

    /// <summary>The instructions of the last stage, the image that runs.</summary>
    private static IReadOnlyList<DockerfileInstruction> RuntimeStage() =>
        Instructions.Skip(Instructions.ToList().FindLastIndex(i => i.Keyword == "FROM")).ToList();

    private static string Relative(string path) => Path.GetRelativePath(TestPaths.RepositoryRoot, path).Replace('\\', '/');
}
