using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// The TypeScript client's own specs (<c>clients/js/test</c>, Node's test runner) against a real executor node and a
/// real <c>akkamedia serve hocon/pipelines/live-loopback.conf</c>: the client connects, streams, pings and stops
/// through the server as a browser or a Node.js app would, and the compiled <c>dist/</c> is what its source makes.
/// </summary>
public sealed class ClientsJsSpec(ITestOutputHelper output)
{
    /// <summary>How long the Node.js specs may take on a busy machine (they take seconds).</summary>
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_TypeScript_client_must_pass_its_specs_against_a_real_serve()
    {
        var node = FindOnPath("node")
            ?? throw new InvalidOperationException(
                "Node.js (node, version 20 or later) is not on PATH: the TypeScript client's specs in clients/js need it. "
                + "Install it (Debian: apt-get install nodejs npm), then run `npm ci` in clients/js.");
        await EnsureDevDependenciesAsync();
        await using var executor = await NodeProcess.StartAsync("--port", "0");
        await using var serve = await ServeProcess.StartAsync("pipelines/live-loopback.conf", executor.Address);
        var url = serve.Url.GetLeftPart(UriPartial.Authority);

        var (exitCode, transcript) = await RunNodeSpecsAsync(node, url);

        output.WriteLine(transcript);
        Assert.True(
            exitCode == 0,
            $"The client's specs failed (node exited with {exitCode}):{Environment.NewLine}{transcript}{Environment.NewLine}{serve.Process.Transcript}{Environment.NewLine}{executor.Process.Transcript}");
    }

    /// <summary>
    /// The dist/ drift spec compiles with the pinned TypeScript: on a fresh checkout (no <c>npm ci</c> yet, as in a plain
    /// <c>dotnet test</c>) it is installed here from the npm registry, exactly as package-lock.json says.
    /// </summary>
    private static async Task EnsureDevDependenciesAsync()
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "clients", "js");
        if (Directory.Exists(Path.Combine(folder, "node_modules", "typescript")))
        {
            return;
        }

        var npm = FindOnPath("npm")
            ?? throw new InvalidOperationException("npm is not on PATH: run `npm ci` in clients/js (its specs compile with the TypeScript it pins).");
        var start = new ProcessStartInfo(npm) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(NodeTimeout);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"npm ci in clients/js failed ({process.ExitCode}):{Environment.NewLine}{await stdout}{await stderr}");
    }

    /// <summary>Runs <c>node --experimental-websocket --test test/</c> in clients/js with <c>AKKA_MEDIA_URL</c>; kills it if it overruns.</summary>
    private static async Task<(int ExitCode, string Transcript)> RunNodeSpecsAsync(string node, string url)
    {
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = Path.Combine(TestPaths.RepositoryRoot, "clients", "js"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--experimental-websocket", "--test", "--test-reporter=spec", "test/" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AKKA_MEDIA_URL"] = url;
        start.Environment["NO_COLOR"] = "1";
        var transcript = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(transcript, e.Data, "");
        process.ErrorDataReceived += (_, e) => Append(transcript, e.Data, "err| ");
        process.Start();
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await process.WaitForExitAsync().WaitAsync(NodeTimeout);
            process.WaitForExit(); // the redirected output is read to its end
            lock (transcript)
            {
                return (process.ExitCode, transcript.ToString());
            }
        }
        catch (TimeoutException)
        {
            lock (transcript)
            {
                throw new TimeoutException($"The client's specs did not end within {NodeTimeout.TotalMinutes:0} min.{Environment.NewLine}{transcript}");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static void Append(StringBuilder transcript, string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (transcript)
        {
            transcript.Append(prefix).AppendLine(line);
        }
    }

    private static string? FindOnPath(string program)
    {
        var names = OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd"] : new[] { program };
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => names.Select(name => Path.Combine(directory, name)))
            .FirstOrDefault(File.Exists);
    }
}
