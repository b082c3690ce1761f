using AkkaMedia.Samples.Tests.Processes;
using static AkkaMedia.Samples.Tests.Processes.SampleOutput;

namespace AkkaMedia.Samples.Tests;

/// <summary>
/// Runs the built CustomDependencies sample as a child process, as <c>dotnet run --project samples/CustomDependencies</c>
/// would: the node, its local library and its NuGet package all ship, in-process and to a real <c>akkamedia node</c>.
/// </summary>
[Collection(ExecutorNodeCollection.Name)]
public sealed class CustomDependenciesSampleSpec(ExecutorNodeFixture executor) : IDisposable
{
    private const string Sample = "CustomDependencies";
    private static readonly string[] Package = ["NoteTranscriber.dll", "CustomMath.dll", "Fractions.dll"];

    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public async Task CustomDependencies_must_ship_the_node_its_local_library_and_its_package_to_an_in_process_executor()
    {
        var run = await SampleProcess.RunAsync(Sample, [], _folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("in-process executor at", Line(run.Stdout, "mode"));
        Assert.Equal(Package.Order(), ShippedFiles(run.Stdout).Order());
        Assert.Contains("- Fractions.dll 8.3.2.0, ", run.Stdout);
        AssertTranscribed(run.Stdout);

        // Every one of the three was loaded by the executor from the bytes it received, NuGet package included.
        var loaded = Lines(run.Stdout, "loaded there");
        Assert.Equal(3, loaded.Count);
        foreach (var name in new[] { "NoteTranscriber 0.1.0.0", "CustomMath 0.1.0.0", "Fractions 8.3.2.0" })
        {
            Assert.Contains(loaded, l => l.StartsWith(name + " from the shipped bytes into collectible context 'akka-media-session-", StringComparison.Ordinal));
        }

        Assert.Contains("customdependencies: OK", run.Stdout);
        Assert.DoesNotContain("[ERROR]", run.Stdout);
    }

    [Fact]
    public async Task CustomDependencies_must_run_on_an_akkamedia_node_whose_folder_lacks_all_three()
    {
        var run = await SampleProcess.RunAsync(Sample, ["--seeds", executor.Node.Seed], _folder);

        Assert.True(run.ExitCode == 0, $"{run}\n{executor.Node}");
        Assert.StartsWith($"cluster executor at {executor.Node.Address}", Line(run.Stdout, "mode"));
        AssertShippedAndAbsentFrom(run.Stdout, AkkaMediaNode.Folder, Package);
        AssertTranscribed(run.Stdout);
        Assert.Contains("customdependencies: OK", run.Stdout);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// The sample plays an A major arpeggio (A4, C#5, E5 for 500 ms each, then A5 for 1 s); the node must name
    /// each note, its pitch within 1 Hz of equal temperament, its length, and the just intervals between them.
    /// </summary>
    private static void AssertTranscribed(string stdout)
    {
        var heard = Lines(stdout, "heard");
        Assert.Equal(4, heard.Count);
        (string Name, int Midi, string Ending)[] expected =
        [
            ("A4", 69, "500 ms (from 0.00 s)"),
            ("C#5", 73, "500 ms, major third up (5/4), 5/4 from note 1 (from 0.50 s)"),
            ("E5", 76, "500 ms, minor third up (6/5), 3/2 from note 1 (from 1.00 s)"),
            ("A5", 81, "1000 ms, perfect fourth up (4/3), 2/1 from note 1 (from 1.50 s)"),
        ];
        for (var i = 0; i < expected.Length; i++)
        {
            var (name, midi, ending) = expected[i];
            Assert.StartsWith($"note {i + 1}: {name}, ", heard[i]);
            Assert.EndsWith($" Hz, {ending}", heard[i]);
            var equalTempered = 440 * Math.Pow(2, (midi - 69) / 12.0);
            Assert.InRange(Number(heard[i], @", (\d+\.\d) Hz"), equalTempered - 1, equalTempered + 1);
        }
    }
}
