using System.Security.Cryptography;
using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Tests.Packages;

namespace AkkaMedia.Executor.Tests.Sandbox;

public sealed class SandboxVerdictsSpec : IDisposable
{
    private readonly PackageFiles _files = new();
    private readonly string _folder;

    public SandboxVerdictsSpec()
    {
        _folder = _files.NewFolder("verdicts");
    }

    [Fact]
    public void A_package_refused_once_must_be_refused_again_from_the_known_verdict_with_the_same_violations()
    {
        var verdicts = new SandboxVerdicts(SandboxPolicy.Create(Config.Empty));
        var bad = Compile("User.Bad", "System.Diagnostics.Process.Start(\"sh\");");

        var first = verdicts.Check([bad.Entry], [bad.Path]);
        var second = verdicts.Check([bad.Entry], [bad.Path]);

        Assert.NotEmpty(first);
        Assert.Equal(first.Select(static v => v.Message), second.Select(static v => v.Message));
        Assert.Equal(1, verdicts.Checks);
    }

    [Fact]
    public void A_package_that_passed_must_pass_again_without_a_check_and_different_content_must_be_checked()
    {
        var verdicts = new SandboxVerdicts(SandboxPolicy.Create(Config.Empty));
        var good = Compile("User.Good", "var x = 1 + 1;");
        var bad = Compile("User.Bad", "var t = System.IO.Path.GetTempPath();");

        Assert.Empty(verdicts.Check([good.Entry], [good.Path]));
        Assert.Empty(verdicts.Check([good.Entry], [good.Path]));
        Assert.Equal(1, verdicts.Checks);
        Assert.NotEmpty(verdicts.Check([good.Entry, bad.Entry], [good.Path, bad.Path]));
        Assert.Equal(2, verdicts.Checks);
    }

    [Fact]
    public void A_disabled_policy_must_pass_everything_without_checking()
    {
        var verdicts = new SandboxVerdicts(SandboxPolicy.Create(ConfigurationFactory.ParseString("akka-media.executor.sandbox.enabled = off")));
        var bad = Compile("User.Bad", "System.Diagnostics.Process.Start(\"sh\");");

        Assert.Empty(verdicts.Check([bad.Entry], [bad.Path]));
        Assert.Equal(0, verdicts.Checks);
    }

    [Fact]
    public void The_same_bytes_shipped_as_a_native_library_must_be_judged_again_as_one()
    {
        var verdicts = new SandboxVerdicts(SandboxPolicy.Create(Config.Empty));
        var good = Compile("User.Good", "var x = 1 + 1;");
        var asNative = new PackageEntry("libgood.so", "1.0.0", good.Entry.Sha256, good.Entry.Length, PackageEntryKind.NativeLibrary);
        var native = Path.Combine(_folder, "libgood.so");
        File.WriteAllBytes(native, [0x7F, (byte)'E', (byte)'L', (byte)'F']);

        Assert.Empty(verdicts.Check([good.Entry], [good.Path]));
        Assert.Empty(verdicts.Check([asNative], [good.Path]));
        Assert.Equal(2, verdicts.Checks);

        var refused = Assert.Single(new SandboxVerdicts(SandboxPolicy.Create(Config.Empty)).Check([asNative], [native]));
        Assert.Equal(("libgood.so", "allow-native-calls = off"), (refused.Assembly, refused.Rule));
        Assert.Throws<ArgumentException>(() => verdicts.Check([good.Entry, asNative], [good.Path]));
    }

    public void Dispose() => _files.Dispose();

    private (PackageEntry Entry, string Path) Compile(string name, string statement)
    {
        var folder = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = TestAssemblyCompiler.Compile(folder, name, $"public static class Code {{ public static void Run() {{ {statement} }} }}");
        var bytes = File.ReadAllBytes(path);
        return (new PackageEntry(name, "1.0.0.0", Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length), path);
    }
}
