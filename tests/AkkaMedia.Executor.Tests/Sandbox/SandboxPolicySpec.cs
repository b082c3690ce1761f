using Akka.Configuration;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Tests.Packages;

namespace AkkaMedia.Executor.Tests.Sandbox;

public sealed class SandboxPolicySpec : IDisposable
{
    private static readonly SandboxPolicy Default = SandboxPolicy.Create(Config.Empty);

    private readonly PackageFiles _files = new();
    private readonly string _folder;

    public SandboxPolicySpec()
    {
        _folder = _files.NewFolder("sandbox");
    }

    /// <summary>A statement that uses a forbidden API, the type and member the violation must name, and the rule.</summary>
    public static TheoryData<string, string, string, string> ForbiddenUses() => new()
    {
        { "System.Diagnostics.Process.Start(\"sh\");", "System.Diagnostics.Process", "Start(System.String)", "System.Diagnostics.Process" },
        { "var s = System.IO.File.ReadAllText(\"/etc/passwd\");", "System.IO.File", "ReadAllText(System.String)", "System.IO.File" },
        { "System.IO.Directory.CreateDirectory(\"/tmp/x\");", "System.IO.Directory", "CreateDirectory(System.String)", "System.IO.Directory" },
        { "using var f = new System.IO.FileStream(\"x\", System.IO.FileMode.Open);", "System.IO.FileStream", ".ctor(System.String, System.IO.FileMode)", "System.IO.FileStream::.ctor" },
        { "using var r = new System.IO.StreamReader(\"x\");", "System.IO.StreamReader", ".ctor(System.String)", "System.IO.StreamReader::.ctor(System.String, ...)" },
        { "var t = System.IO.Path.GetTempPath();", "System.IO.Path", "GetTempPath()", "System.IO.Path::GetTempPath" },
        { "var v = System.Environment.GetEnvironmentVariable(\"HOME\");", "System.Environment", "GetEnvironmentVariable(System.String)", "System.Environment" },
        { "System.Environment.Exit(3);", "System.Environment", "Exit(System.Int32)", "System.Environment" },
        { "var p = System.Runtime.InteropServices.Marshal.AllocHGlobal(8);", "System.Runtime.InteropServices.Marshal", "AllocHGlobal(System.Int32)", "System.Runtime.InteropServices.Marshal" },
        { "var h = System.Runtime.InteropServices.NativeLibrary.Load(\"libc\");", "System.Runtime.InteropServices.NativeLibrary", "Load(System.String)", "System.Runtime.InteropServices.NativeLibrary" },
        { "var b = System.Reflection.Emit.AssemblyBuilder.DefineDynamicAssembly(new System.Reflection.AssemblyName(\"x\"), System.Reflection.Emit.AssemblyBuilderAccess.Run);", "System.Reflection.Emit.AssemblyBuilder", "DefineDynamicAssembly(System.Reflection.AssemblyName, System.Reflection.Emit.AssemblyBuilderAccess)", "System.Reflection.Emit.*" },
        { "var a = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(\"/x.dll\");", "System.Runtime.Loader.AssemblyLoadContext", "LoadFromAssemblyPath(System.String)", "System.Runtime.Loader.*" },
        { "var a = System.Reflection.Assembly.LoadFrom(\"/x.dll\");", "System.Reflection.Assembly", "LoadFrom(System.String)", "System.Reflection.Assembly::Load*" },
        { "var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);", "System.Net.Sockets.Socket", ".ctor(System.Net.Sockets.SocketType, System.Net.Sockets.ProtocolType)", "System.Net.Sockets.*" },
        { "var r = typeof(string).GetMethod(\"Intern\").Invoke(null, new object[] { \"x\" });", "System.Reflection.MethodBase", "Invoke(System.Object, System.Object[])", "System.Reflection.MethodBase::Invoke" },
        { "var o = System.Activator.CreateInstance(typeof(System.Text.StringBuilder), 16);", "System.Activator", "CreateInstance(System.Type, System.Object[])", "System.Activator::CreateInstance(System.Type, ...)" },
        { "new System.Threading.Thread(() => { }).Start();", "System.Threading.Thread", ".ctor(System.Threading.ThreadStart)", "System.Threading.Thread::.ctor" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenUses))]
    public void A_forbidden_API_must_be_reported_with_its_assembly_type_member_and_rule(string statement, string type, string member, string rule)
    {
        var path = UserCode("User.Forbidden", statement);

        var violations = Default.Check([path]);

        var violation = Assert.Single(violations, v => v.Type == type && v.Member == member);
        Assert.Equal(("User.Forbidden", rule), (violation.Assembly, violation.Rule));
        Assert.Contains("User.Forbidden", violation.Message);
        Assert.Contains($"{type}::{member}", violation.Message);
    }

    [Fact]
    public void A_native_method_must_be_reported_unless_native_calls_are_allowed()
    {
        var path = TestAssemblyCompiler.Compile(_folder, "User.Native", """
            public static class Native
            {
                [System.Runtime.InteropServices.DllImport("libc")]
                public static extern int getpid();
            }
            """);

        var violation = Assert.Single(Default.Check([path]));
        Assert.Equal(("User.Native", "Native", "allow-native-calls = off"), (violation.Assembly, violation.Type, violation.Rule));
        Assert.Contains("getpid", violation.Member);
        Assert.Contains("libc", violation.Member);

        var relaxed = SandboxPolicy.Create(ConfigurationFactory.ParseString("akka-media.executor.sandbox.allow-native-calls = on"));
        Assert.Empty(relaxed.Check([path]));
    }

    [Fact]
    public void Ordinary_code_and_files_in_the_scratch_folder_must_pass_the_default_policy()
    {
        var path = UserCode("User.Harmless", """
            var list = new System.Collections.Generic.List<int> { 1, 2, 3 };
            var text = new System.Text.StringBuilder().Append(System.Math.Sqrt(list.Count)).Append(System.Environment.NewLine).ToString();
            var cores = System.Environment.ProcessorCount;
            using var memory = new System.IO.MemoryStream(new byte[] { 1, 2 });
            using var reader = new System.IO.StreamReader(memory);
            var fromStream = reader.ReadToEnd();
            var name = System.IO.Path.Combine("a", "b") + System.IO.Path.GetFileName("c/d.txt");
            System.Threading.Thread.Sleep(0);
            System.Threading.Tasks.Task.Run(() => 1).Wait();
            var made = Make<System.Text.StringBuilder>();
            var method = typeof(string).GetMethod("Intern");
            var scratch = AkkaMedia.Deployment.ScratchFolder.For(list);
            using (var file = scratch.Create("notes/a.txt")) { file.WriteByte(1); }
            using var again = new System.IO.StreamReader(scratch.OpenRead("notes/a.txt"));
            """, extraMembers: "static T Make<T>() where T : new() => new T();");

        Assert.Empty(Default.Check([path]));
    }

    [Fact]
    public void The_fixture_s_own_assemblies_must_pass_and_its_NuGet_package_must_be_refused_until_relaxed()
    {
        var own = new[] { "DeployFixture.Plugin", "DeployFixture.Helper" }.Select(n => Path.Combine(PackageFiles.FixtureFolder, n + ".dll"));
        var humanizer = Path.Combine(PackageFiles.FixtureFolder, "Humanizer.dll");

        Assert.Empty(Default.Check(own));

        // Humanizer invokes methods by reflection and probes for files: a metadata check cannot tell that from misuse.
        var refused = Default.Check([humanizer]);
        Assert.All(refused, v => Assert.Equal("Humanizer", v.Assembly));
        Assert.Contains(refused, v => (v.Type, v.Rule) == ("System.Reflection.MethodBase", "System.Reflection.MethodBase::Invoke"));
        Assert.Contains(refused, v => (v.Type, v.Member) == ("System.IO.File", "Exists(System.String)"));

        var relaxed = SandboxPolicy.Create(ConfigurationFactory.ParseString("""
            akka-media.executor.sandbox.also-allowed = ["System.Reflection.MethodBase::Invoke", "System.IO.File::Exists", "System.IO.Directory::Exists"]
            """));
        Assert.Empty(relaxed.Check([humanizer]));
    }

    [Fact]
    public void An_allowed_rule_must_relax_one_member_and_leave_the_rest_of_the_type_forbidden()
    {
        var path = UserCode("User.Files", """
            var text = System.IO.File.ReadAllText("in.txt");
            System.IO.File.WriteAllText("out.txt", text);
            """);
        var relaxed = SandboxPolicy.Create(ConfigurationFactory.ParseString("""akka-media.executor.sandbox.allowed = ["System.IO.File::ReadAllText"]"""));

        var violation = Assert.Single(relaxed.Check([path]));

        Assert.Equal(("System.IO.File", "WriteAllText(System.String, System.String)"), (violation.Type, violation.Member));
        Assert.Equal(2, Default.Check([path]).Count);
    }

    [Fact]
    public void Replacing_the_forbidden_list_or_disabling_the_policy_must_let_code_pass()
    {
        var path = UserCode("User.Process", "System.Diagnostics.Process.Start(\"sh\");");

        var replaced = SandboxPolicy.Create(ConfigurationFactory.ParseString("""akka-media.executor.sandbox.forbidden = ["System.Net.Sockets.*"]"""));
        var disabled = SandboxPolicy.Create(ConfigurationFactory.ParseString("akka-media.executor.sandbox.enabled = off"));

        Assert.NotEmpty(Default.Check([path]));
        Assert.Empty(replaced.Check([path]));
        Assert.Empty(disabled.Check([path]));
        Assert.False(disabled.Enabled);
    }

    [Fact]
    public void Also_forbidden_must_add_to_the_default_rules()
    {
        var path = UserCode("User.Http", """
            using var client = new System.Net.Http.HttpClient();
            System.Diagnostics.Process.Start("sh");
            """);
        var tightened = SandboxPolicy.Create(ConfigurationFactory.ParseString("""akka-media.executor.sandbox.also-forbidden = ["System.Net.Http.*"]"""));

        var violations = tightened.Check([path]);

        Assert.Contains(violations, v => v.Type == "System.Net.Http.HttpClient" && v.Rule == "System.Net.Http.*");
        Assert.Contains(violations, v => v.Type == "System.Diagnostics.Process");
        Assert.DoesNotContain(Default.Check([path]), v => v.Type == "System.Net.Http.HttpClient");
        Assert.Equal(Default.Forbidden.Count + 1, tightened.Forbidden.Count);
    }

    [Fact]
    public void A_parameter_list_rule_must_refuse_only_the_overloads_it_names()
    {
        var path = UserCode("User.Readers", """
            using var fromStream = new System.IO.StreamReader(new System.IO.MemoryStream());
            using var fromPath = new System.IO.StreamReader("x", System.Text.Encoding.UTF8);
            """);

        var violation = Assert.Single(Default.Check([path]));

        Assert.Equal(".ctor(System.String, System.Text.Encoding)", violation.Member);
    }

    [Fact]
    public void A_rule_must_match_members_of_generic_types_and_uses_of_the_type_itself()
    {
        var path = UserCode("User.Generic", """
            var list = new System.Collections.Generic.List<string>();
            list.Add("x");
            var dictionary = new System.Collections.Generic.Dictionary<int, int>();
            """);
        var policy = SandboxPolicy.Create(ConfigurationFactory.ParseString("""
            akka-media.executor.sandbox.forbidden = ["System.Collections.Generic.List`1::Add", "System.Collections.Generic.Dictionary`2"]
            """));

        var violations = policy.Check([path]);

        Assert.Contains(violations, v => (v.Type, v.Member) == ("System.Collections.Generic.List`1", "Add(!0)"));
        Assert.Contains(violations, v => v.Type == "System.Collections.Generic.Dictionary`2" && v.Member == ".ctor()");
        Assert.DoesNotContain(violations, v => v.Type == "System.Collections.Generic.List`1" && v.Member != "Add(!0)");
    }

    [Fact]
    public void A_forbidden_type_used_without_calling_it_must_be_reported_as_a_type_use()
    {
        var path = UserCode("User.TypeOnly", "var t = typeof(System.Diagnostics.Process).Name;");

        var violation = Assert.Single(Default.Check([path]));

        Assert.Equal(("System.Diagnostics.Process", "(type)"), (violation.Type, violation.Member));
    }

    [Fact]
    public void Every_assembly_of_a_package_must_be_checked()
    {
        var clean = UserCode("User.Clean", "var x = 1 + 1;");
        var dirty = UserCode("User.Dirty", "System.IO.File.Delete(\"x\");");

        var violations = Default.Check([clean, dirty]);

        Assert.Equal("User.Dirty", Assert.Single(violations).Assembly);
    }

    [Theory]
    [InlineData("")]
    [InlineData("System.IO.File::")]
    [InlineData("System.IO.File::Open(System.String")]
    [InlineData("System.IO.File::Open(..., System.String)")]
    [InlineData(".*")]
    public void A_malformed_rule_must_fail_at_start_naming_the_key_and_the_rule(string rule)
    {
        var config = ConfigurationFactory.ParseString($"akka-media.executor.sandbox.forbidden = [\"{rule}\"]");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SandboxPolicy.Create(config));

        Assert.Equal("akka-media.executor.sandbox.forbidden", error.ParamName);
        Assert.Contains($"\"{rule}\"", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_must_not_pass_unchecked()
    {
        var path = Path.Combine(_folder, "NotAnAssembly.dll");
        File.WriteAllBytes(path, [0x4D, 0x5A, 1, 2, 3]);

        Assert.ThrowsAny<BadImageFormatException>(() => Default.Check([path]));
    }

    public void Dispose() => _files.Dispose();

    private string UserCode(string assemblyName, string statements, string extraMembers = "") =>
        TestAssemblyCompiler.Compile(_folder, assemblyName, $$"""
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
