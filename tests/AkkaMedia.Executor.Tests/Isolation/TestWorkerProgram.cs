using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// A tiny .NET console program, compiled once per test run (Roslyn) into a temporary folder with its
/// runtimeconfig.json, run as <c>dotnet TestWorker.dll MODE</c>: what a worker's start costs, and how a .NET worker meets
/// its memory limit. Modes: <c>hello</c> prints and exits 0; <c>allocate</c> keeps 1 MiB arrays until an
/// <see cref="OutOfMemoryException"/>, then exits 86 as AkkaMedia.Worker does; <c>connect PATH</c> sends a greeting to the
/// Unix domain socket at PATH, as a worker reaches its executor.
/// </summary>
public static class TestWorkerProgram
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        public static class Program
        {
            public static int Main(string[] args)
            {
                if (args.Length > 0 && args[0] == "allocate")
                {
                    var error = Console.Error; // made before memory runs out
                    var kept = new List<byte[]>();
                    try
                    {
                        while (true)
                        {
                            var chunk = new byte[1 << 20];
                            for (var i = 0; i < chunk.Length; i += 4096) chunk[i] = 1;
                            kept.Add(chunk);
                        }
                    }
                    catch (OutOfMemoryException)
                    {
                        kept = null;
                        GC.Collect();
                        error.WriteLine("out of memory");
                        return 86;
                    }
                }

                if (args.Length > 1 && args[0] == "connect")
                {
                    using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                    socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(args[1]));
                    socket.Send(System.Text.Encoding.UTF8.GetBytes("hello from the sandbox"));
                    return 0;
                }

                Console.WriteLine("hello");
                return 0;
            }
        }
        """;

    private static readonly Lazy<string> Compiled = new(Compile);

    /// <summary>The path of TestWorker.dll.</summary>
    public static string Path => Compiled.Value;

    private static string Compile()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "akka-media-spec-testworker-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a folder under the temporary folder.
            }
        };
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var references = new[] { "System.Private.CoreLib.dll", "System.Runtime.dll", "System.Console.dll", "System.Collections.dll", "System.Net.Sockets.dll", "System.Net.Primitives.dll", "System.Text.Encoding.Extensions.dll" }
            .Select(n => MetadataReference.CreateFromFile(System.IO.Path.Combine(runtime, n)));
        var compilation = CSharpCompilation.Create(
            "TestWorker",
            [CSharpSyntaxTree.ParseText(Source)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Disable));
        var path = System.IO.Path.Combine(folder, "TestWorker.dll");
        using (var output = File.Create(path))
        {
            var result = compilation.Emit(output);
            if (!result.Success)
            {
                throw new InvalidOperationException("TestWorker does not compile: " + string.Join(Environment.NewLine, result.Diagnostics));
            }
        }

        var version = Environment.Version;
        File.WriteAllText(
            System.IO.Path.Combine(folder, "TestWorker.runtimeconfig.json"),
            "{\"runtimeOptions\":{\"tfm\":\"net" + version.ToString(2) + "\",\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + version.ToString(2) + ".0\"}}}");
        return path;
    }
}
