using System.Reflection;
using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Tests.Packages;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Tests.Sandbox;

/// <summary>
/// User code over real libraries (tests/Fixtures/RealLibrary.*: MathNet.Numerics, Humanizer.Core, ONNX Runtime with its
/// native library), analyzed as a client would ship it: the in-process policy refuses each, naming the rule and pointing
/// at process isolation; the process policy admits each, and each runs when loaded into a session with that policy. The
/// deploy onto a worker process (--isolation process) is specified with the worker.
/// </summary>
public sealed class RealLibrariesSpec : IDisposable
{
    private static readonly SandboxPolicy InProcess = SandboxPolicy.Create(Config.Empty);
    private static readonly SandboxPolicy Process = SandboxPolicy.Create(ConfigurationFactory.ParseString("akka-media.executor.isolation = process"));

    private readonly PackageFiles _files = new();

    /// <summary>The fixture, the library it ships, and a rule of the in-process policy that library breaks.</summary>
    public static TheoryData<string, string, string> Refusals() => new()
    {
        // MathNet chooses its FFT provider from an environment variable and loads providers by assembly name.
        { "RealLibrary.Fft", "MathNet.Numerics", "System.Environment" },
        { "RealLibrary.Fft", "MathNet.Numerics", "System.Reflection.Assembly::Load*" },
        { "RealLibrary.Fft", "MathNet.Numerics", "System.Activator::CreateInstance(System.Type, ...)" },
        { "RealLibrary.Humanize", "Humanizer", "System.Reflection.MethodBase::Invoke" },
        { "RealLibrary.Onnx", "Microsoft.ML.OnnxRuntime", "allow-native-calls = off" },
        { "RealLibrary.Onnx", "libonnxruntime.so", "allow-native-calls = off" },
    };

    public static TheoryData<string> Fixtures() => new() { "RealLibrary.Fft", "RealLibrary.Humanize", "RealLibrary.Onnx" };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Under_in_process_isolation_a_real_library_must_be_refused_naming_the_rule_and_pointing_at_process_isolation(string fixture, string library, string rule)
    {
        var package = Analyze(fixture);

        var violations = new SandboxVerdicts(InProcess).Check(package.Entries, package.Entries.Select(package.PathOf));

        Assert.Contains(violations, v => v.Assembly == library && v.Rule == rule);
        Assert.All(violations, v => Assert.True(v.AllowedUnderProcessIsolation, v.Message));
        var refusal = SessionCode.Refusal(fixture, violations);
        Assert.Contains($"refused the code of {fixture}: ", refusal, StringComparison.Ordinal);
        Assert.Contains("run this executor with --isolation process", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Under_process_isolation_a_real_library_must_pass_the_reference_check(string fixture)
    {
        var package = Analyze(fixture);

        Assert.Empty(new SandboxVerdicts(Process).Check(package.Entries, package.Entries.Select(package.PathOf)));
    }

    [Fact]
    public void The_ONNX_Runtime_package_must_ship_its_native_libraries_for_this_platform_only_and_not_those_of_the_SDK_s_packages()
    {
        var package = Analyze("RealLibrary.Onnx");

        var natives = package.Entries.Where(e => e.Kind == PackageEntryKind.NativeLibrary).ToArray();
        Assert.Equal(["libonnxruntime.so", "libonnxruntime_providers_shared.so"], natives.Select(e => e.FileName).Order(StringComparer.Ordinal));
        var native = natives.Single(e => e.Name == "libonnxruntime.so");
        Assert.Equal("1.32.0", native.Version);
        Assert.Contains(package.Entries, e => (e.Name, e.Kind) == ("Microsoft.ML.OnnxRuntime", PackageEntryKind.Assembly));
        Assert.Equal(Path.Combine("runtimes", "linux-x64", "native", "libonnxruntime.so"), Path.GetRelativePath(Path.GetDirectoryName(FixturePath("RealLibrary.Onnx"))!, package.PathOf(native)));
        Assert.True(package.TotalBytes < 64L << 20, $"{package.TotalBytes} bytes: over the default max-package-bytes (64 MiB).");

        // The fixture's .deps.json also lists the SDK's packages (LightningDB's liblmdb.so, SQLite's libe_sqlite3.so): not shipped.
        Assert.DoesNotContain(package.Entries, e => e.Name is "liblmdb.so" or "libe_sqlite3.so");
        Assert.DoesNotContain(Analyze("RealLibrary.Fft").Entries, e => e.Kind == PackageEntryKind.NativeLibrary);
    }

    [Fact]
    public void The_MathNet_FFT_object_and_node_must_run_in_a_session_loaded_with_the_process_policy()
    {
        using var code = Load("RealLibrary.Fft");
        var assembly = code.Context.LoadShipped("RealLibrary.Fft");
        float[] samples = [.. Enumerable.Range(0, 64).Select(i => MathF.Sin(2 * MathF.PI * 8 * i / 64))];

        var peak = Call(assembly, "RealLibrary.Fft.FftPeak", "PeakBin", samples);
        var node = (Node<AudioFrame, double>)Activator.CreateInstance(assembly.GetType("RealLibrary.Fft.FftPeakNode", throwOnError: true)!)!;
        var output = new Collected<double>();
        node.Process(AudioFrame.Copy(samples, sampleRate: 6400, channels: 1), output);

        Assert.Equal(8, peak);
        Assert.Equal([800.0], output.Items);
    }

    [Fact]
    public void The_Humanizer_object_must_run_in_a_session_loaded_with_the_process_policy()
    {
        using var code = Load("RealLibrary.Humanize");
        var assembly = code.Context.LoadShipped("RealLibrary.Humanize");

        Assert.Equal("one hundred and twenty-three", Call(assembly, "RealLibrary.Humanize.Humanized", "Words", 123));
        Assert.Equal("2 hours, 5 minutes", Call(assembly, "RealLibrary.Humanize.Humanized", "Duration", TimeSpan.FromMinutes(125)));
    }

    [Fact]
    public void The_ONNX_object_must_run_its_own_model_on_the_shipped_native_library_in_a_session_loaded_with_the_process_policy()
    {
        using var code = Load("RealLibrary.Onnx");
        var assembly = code.Context.LoadShipped("RealLibrary.Onnx");

        var sum = Call(assembly, "RealLibrary.Onnx.OnnxAdder", "Add", new float[] { 1, 2, 3 }, new float[] { 10, 20, 30 });

        Assert.Equal([11f, 22f, 33f], (float[])sum!);
        Assert.NotNull(code.Context.NativeLibraryPath("onnxruntime"));
    }

    [Fact]
    public void Under_in_process_isolation_loading_the_ONNX_package_must_be_refused_with_the_native_library_named()
    {
        var refused = Assert.Throws<CodeRejectedException>(() => Load("RealLibrary.Onnx", InProcess).Dispose());

        Assert.True(refused.IsSandboxViolation);
        Assert.Contains("libonnxruntime.so is a native library, refused by sandbox rule \"allow-native-calls = off\"", refused.Message, StringComparison.Ordinal);
        Assert.Contains(
            "add the others to akka-media.executor.sandbox.also-allowed and set akka-media.executor.sandbox.allow-native-calls = on, or run this executor with --isolation process",
            refused.Message,
            StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private static string FixturePath(string fixture) => Path.Combine(AppContext.BaseDirectory, "fixtures", fixture, fixture + ".dll");

    private static CodePackage Analyze(string fixture) => DependencyAnalyzer.Analyze(FixturePath(fixture));

    /// <summary>Uploads the package of <paramref name="fixture"/> into a store with the default package limit and loads it as a session would.</summary>
    private SessionCode Load(string fixture, SandboxPolicy? policy = null)
    {
        var package = Analyze(fixture);
        var store = new PackageStore(_files.NewFolder("real-libraries"), 256L << 20, 64L << 20);
        using (var upload = store.BeginUpload(Guid.NewGuid().ToString("N"), package.Entries))
        {
            for (var index = 0; index < package.Entries.Count; index++)
            {
                using var stream = package.OpenRead(package.Entries[index]);
                var buffer = new byte[PackageChunk.MaxBytes];
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    upload.Write(new PackageChunk(index, buffer[..read]));
                }
            }

            upload.Complete();
        }

        return SessionCode.Load(Guid.NewGuid().ToString("N"), package.EntryAssembly, package.Entries, store, new SandboxVerdicts(policy ?? Process));
    }

    private static object? Call(Assembly assembly, string typeName, string method, params object[] arguments)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        var instance = Activator.CreateInstance(type);
        try
        {
            return type.GetMethod(method)!.Invoke(instance, arguments);
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    private sealed class Collected<T> : INodeOutput<T>
    {
        public List<T> Items { get; } = [];

        public void Emit(T element) => Items.Add(element);
    }
}
