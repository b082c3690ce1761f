using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// The same real libraries as <see cref="RealLibraryDeploySpec"/>, deployed to an executor with the default, in-process
/// policy: each deploy is refused before anything loads, naming the library, the member and the rule, and telling the
/// user that process isolation admits it.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class RealLibraryRefusalSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>
{
    public RealLibraryRefusalSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData("RealLibrary.Fft", "RealLibrary.Fft.FftPeak", "IFftPeak", "MathNet.Numerics uses System.Environment::GetEnvironmentVariable(System.String), forbidden by sandbox rule \"System.Environment\"")]
    [InlineData("RealLibrary.Humanize", "RealLibrary.Humanize.Humanized", "IHumanize", "Humanizer uses System.Reflection.MethodBase::Invoke")]
    [InlineData("RealLibrary.Onnx", "RealLibrary.Onnx.OnnxAdder", "IOnnxAdder", "libonnxruntime.so is a native library, refused by sandbox rule \"allow-native-calls = off\"")]
    public async Task A_real_library_must_be_refused_in_process_naming_the_rule_and_pointing_at_process_isolation(string fixture, string type, string @interface, string violation)
    {
        var obj = UserCode.Create(FixtureCode.Load(fixture), type);

        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => RemoteHandle.DeployAsync(Sys, obj, @interface));

        Assert.Contains(violation, error.Message, StringComparison.Ordinal);
        Assert.Contains("run this executor with --isolation process", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(
            System.Runtime.Loader.AssemblyLoadContext.All.Where(static c => c.IsCollectible).SelectMany(static c => c.Assemblies),
            a => a.GetName().Name == fixture);
    }
}
