using Akka.Configuration;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Tests.Packages;

namespace AkkaMedia.Executor.Tests.Sandbox;

/// <summary>
/// The two reference policies: the strict one for code in the executor's process (its keys unchanged), and the one for
/// code in sandboxed worker processes, which admits what ordinary libraries do and refuses what the OS sandbox cannot
/// contain. <c>akka-media.executor.isolation</c> chooses.
/// </summary>
public sealed class IsolationPolicySpec : IDisposable
{
    private static readonly SandboxPolicy InProcess = SandboxPolicy.Create(Config.Empty);
    private static readonly SandboxPolicy Process = SandboxPolicy.Create(ConfigurationFactory.ParseString("akka-media.executor.isolation = process"));

    private readonly PackageFiles _files = new();
    private readonly string _folder;

    public IsolationPolicySpec()
    {
        _folder = _files.NewFolder("isolation-policy");
    }

    /// <summary>A statement that the OS sandbox cannot contain, the type the violation names and the rule.</summary>
    public static TheoryData<string, string, string> StillRefused() => new()
    {
        { "System.Diagnostics.Process.Start(\"sh\");", "System.Diagnostics.Process", "System.Diagnostics.Process" },
        { "var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);", "System.Net.Sockets.Socket", "System.Net.Sockets.*" },
        { "using var p = new System.IO.Pipes.NamedPipeClientStream(\"executor\");", "System.IO.Pipes.NamedPipeClientStream", "System.IO.Pipes.*" },
        { "System.Environment.Exit(3);", "System.Environment", "System.Environment::Exit" },
        { "System.Environment.FailFast(\"bye\");", "System.Environment", "System.Environment::FailFast" },
        { "using var r = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => c.Cancel = true);", "System.Runtime.InteropServices.PosixSignalRegistration", "System.Runtime.InteropServices.PosixSignalRegistration" },
    };

    [Fact]
    public void The_in_process_policy_must_be_the_default_and_isolation_process_must_choose_the_process_policy()
    {
        Assert.Equal(("in-process", "akka-media.executor.sandbox"), (InProcess.Isolation, InProcess.ConfigSection));
        Assert.Equal(("process", "akka-media.executor.sandbox.process"), (Process.Isolation, Process.ConfigSection));
        Assert.False(InProcess.AllowNativeCalls);
        Assert.True(Process.AllowNativeCalls);
        Assert.NotNull(InProcess.UnderProcessIsolation);
        Assert.Null(Process.UnderProcessIsolation);
    }

    [Fact]
    public void An_unknown_isolation_must_fail_at_start_naming_the_key_and_the_values()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SandboxPolicy.Create(ConfigurationFactory.ParseString("akka-media.executor.isolation = container")));

        Assert.Equal("akka-media.executor.isolation", error.ParamName);
        Assert.Contains("in-process", error.Message, StringComparison.Ordinal);
        Assert.Contains("process (in sandboxed worker processes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_process_isolation_what_ordinary_libraries_do_must_pass()
    {
        var path = UserCode("User.Ordinary", """
            var variable = System.Environment.GetEnvironmentVariable("MathNetNumericsFFTProvider");
            var invoked = typeof(string).GetMethod("Intern").Invoke(null, new object[] { "x" });
            var made = System.Activator.CreateInstance(typeof(System.Text.StringBuilder));
            var byName = System.Activator.CreateInstance("mscorlib", "System.Text.StringBuilder");
            var loaded = System.Reflection.Assembly.Load("MathNet.Numerics.Providers.MKL");
            var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(UserCode).Assembly);
            var dynamicAssembly = System.Reflection.Emit.AssemblyBuilder.DefineDynamicAssembly(new System.Reflection.AssemblyName("x"), System.Reflection.Emit.AssemblyBuilderAccess.Run);
            System.Linq.Expressions.Expression<System.Func<int>> expression = () => 42;
            var compiled = expression.Compile();
            new System.Threading.Thread(() => { }).Start();
            var memory = System.Runtime.InteropServices.Marshal.AllocHGlobal(8);
            unsafe { System.Runtime.InteropServices.NativeMemory.Free(System.Runtime.InteropServices.NativeMemory.Alloc(8)); }
            var handle = System.Runtime.InteropServices.NativeLibrary.Load("onnxruntime");
            var model = System.IO.File.ReadAllBytes("model.onnx");
            var files = System.IO.Directory.GetFiles(System.AppContext.BaseDirectory);
            var pid = getpid();
            """, extraMembers: """[System.Runtime.InteropServices.DllImport("libc")] static extern int getpid();""");

        Assert.Empty(Process.Check([path]));

        var inProcess = InProcess.Check([path]);
        Assert.True(inProcess.Count >= 15, string.Join(Environment.NewLine, inProcess));
        Assert.All(inProcess, v => Assert.True(v.AllowedUnderProcessIsolation, v.Message));
        Assert.All(inProcess, v => Assert.EndsWith(", which process isolation allows.", v.Message, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StillRefused))]
    public void Under_process_isolation_what_the_OS_sandbox_cannot_contain_must_still_be_refused(string statement, string type, string rule)
    {
        var path = UserCode("User.Escape", statement);

        var violation = Assert.Single(Process.Check([path]), v => v.Type == type);

        Assert.Equal(rule, violation.Rule);
        Assert.Contains("(akka-media.executor.sandbox.process)", violation.Message, StringComparison.Ordinal);
        Assert.False(violation.AllowedUnderProcessIsolation);
        Assert.DoesNotContain(InProcess.Check([path]), v => v.Type == type && v.AllowedUnderProcessIsolation);
    }

    [Fact]
    public void An_in_process_refusal_must_say_how_much_process_isolation_would_admit()
    {
        var admissible = UserCode("User.Admissible", "var v = System.Environment.GetEnvironmentVariable(\"HOME\");");
        var mixed = UserCode("User.Mixed", """
            var v = System.Environment.GetEnvironmentVariable("HOME");
            System.Diagnostics.Process.Start("sh");
            """);

        var all = SessionCode.Refusal("User.Admissible", InProcess.Check([admissible]));
        var some = SessionCode.Refusal("User.Mixed", InProcess.Check([mixed]));

        Assert.Contains("forbidden by sandbox rule \"System.Environment\" (akka-media.executor.sandbox), which process isolation allows", all, StringComparison.Ordinal);
        Assert.EndsWith("add them to akka-media.executor.sandbox.also-allowed, or run this executor with --isolation process (akka-media.executor.isolation = process).", all, StringComparison.Ordinal);
        Assert.Contains("Process isolation would allow 1 of these 2 (run this executor with --isolation process), not the rest.", some, StringComparison.Ordinal);
        Assert.DoesNotContain("allows all of these", some, StringComparison.Ordinal);
        Assert.DoesNotContain("isolation", SessionCode.Refusal("User.Escape", Process.Check([UserCode("User.Escape", "System.Diagnostics.Process.Start(\"sh\");")])), StringComparison.Ordinal);
    }

    [Fact]
    public void The_existing_keys_must_keep_configuring_the_in_process_policy_only_and_process_keys_the_process_policy()
    {
        var path = UserCode("User.Starts", "System.Diagnostics.Process.Start(\"sh\");");
        var config = ConfigurationFactory.ParseString("""
            akka-media.executor.sandbox.forbidden = ["System.Net.Sockets.*"]
            akka-media.executor.sandbox.allow-native-calls = on
            """);
        var processConfig = ConfigurationFactory.ParseString("""
            akka-media.executor.isolation = process
            akka-media.executor.sandbox.process.allowed = ["System.Diagnostics.Process::Start"]
            akka-media.executor.sandbox.process.allow-native-calls = off
            """);

        Assert.Empty(SandboxPolicy.Create(config).Check([path]));
        Assert.True(SandboxPolicy.Create(config).AllowNativeCalls);
        Assert.Equal(Process.Forbidden, SandboxPolicy.ForProcess(config).Forbidden);

        Assert.Empty(SandboxPolicy.Create(processConfig).Check([path]));
        Assert.False(SandboxPolicy.Create(processConfig).AllowNativeCalls);
        Assert.NotEmpty(SandboxPolicy.ForInProcess(processConfig).Check([path]));
        Assert.Equal(InProcess.Forbidden, SandboxPolicy.ForInProcess(processConfig).Forbidden);
    }

    [Fact]
    public void Also_forbidden_also_allowed_and_enabled_must_apply_to_both_policies()
    {
        var path = UserCode("User.Http", """
            using var client = new System.Net.Http.HttpClient();
            var v = System.Environment.GetEnvironmentVariable("HOME");
            """);
        var config = ConfigurationFactory.ParseString("""
            akka-media.executor.sandbox.also-forbidden = ["System.Net.Http.*"]
            akka-media.executor.sandbox.also-allowed = ["System.Environment::GetEnvironmentVariable"]
            """);
        var disabled = ConfigurationFactory.ParseString("""
            akka-media.executor.isolation = process
            akka-media.executor.sandbox.enabled = off
            akka-media.executor.sandbox.process.forbidden = ["System.Net.Http.*"]
            """);

        foreach (var policy in new[] { SandboxPolicy.ForInProcess(config), SandboxPolicy.ForProcess(config) })
        {
            var violation = Assert.Single(policy.Check([path]));
            Assert.Equal(("System.Net.Http.HttpClient", "System.Net.Http.*"), (violation.Type, violation.Rule));
        }

        Assert.Empty(SandboxPolicy.Create(disabled).Check([path]));
    }

    [Fact]
    public void A_shipped_native_library_must_be_refused_unless_the_policy_allows_native_calls()
    {
        var native = Path.Combine(_folder, "libfake.so");
        File.WriteAllBytes(native, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);

        var violation = Assert.Single(InProcess.Check([], [("libfake.so", native)]));

        Assert.Equal(("libfake.so", "(native library)", "allow-native-calls = off"), (violation.Assembly, violation.Type, violation.Rule));
        Assert.Equal("libfake.so is a native library, refused by sandbox rule \"allow-native-calls = off\" (akka-media.executor.sandbox), which process isolation allows.", violation.Message);
        Assert.Empty(Process.Check([], [("libfake.so", native)]));
    }

    [Fact]
    public void A_managed_assembly_shipped_as_a_native_library_must_be_checked_as_an_assembly()
    {
        var disguised = UserCode("User.Disguised", "System.Diagnostics.Process.Start(\"sh\");");

        var violation = Assert.Single(Process.Check([], [("libdisguised.so", disguised)]));

        Assert.Equal(("User.Disguised", "System.Diagnostics.Process"), (violation.Assembly, violation.Type));
    }

    [Fact]
    public void The_defaults_of_both_policies_must_be_visible_to_an_operator()
    {
        Assert.Contains("System.Environment", InProcess.Forbidden);
        Assert.Contains("System.Reflection.MethodBase::Invoke", InProcess.Forbidden);
        Assert.Contains("System.Environment::NewLine", InProcess.Allowed);
        Assert.Equal(
            ["System.Diagnostics.Process", "System.Diagnostics.ProcessStartInfo", "System.Net.Sockets.*", "System.IO.Pipes.*", "System.Environment::Exit", "System.Environment::FailFast", "System.Runtime.InteropServices.PosixSignalRegistration"],
            Process.Forbidden);
        Assert.Empty(Process.Allowed);
    }

    public void Dispose() => _files.Dispose();

    private string UserCode(string assemblyName, string statements, string extraMembers = "") =>
        TestAssemblyCompiler.Compile(Path.Combine(_folder, Guid.NewGuid().ToString("N")), assemblyName, $$"""
            public static class UserCode
            {
                public static void Run()
                {
                    {{statements}}
                }

                {{extraMembers}}
            }
            """);
}
