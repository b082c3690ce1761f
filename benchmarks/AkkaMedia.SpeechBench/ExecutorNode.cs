using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.SpeechBench;

/// <summary>
/// An <c>akkamedia node --roles executor</c> process from this checkout's Release build, on a free loopback port, as an
/// operator runs it. Killed with its process tree on dispose, so it never outlives the bench.
/// </summary>
internal sealed class ExecutorNode : IDisposable
{
    private readonly Process _process;

    private ExecutorNode(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string Address => $"akka.tcp://media@127.0.0.1:{Port}";

    public static async Task<ExecutorNode> StartAsync()
    {
        var dll = FindHost();
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "node", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seeds", $"127.0.0.1:{port}", "--roles", "executor" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start akkamedia node");
        var node = new ExecutorNode(process, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => node.Dispose();
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return node;
            }
        }

        node.Dispose();
        throw new InvalidOperationException("akkamedia node exited before it was ready");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static string FindHost()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "AkkaMedia.Host", "bin", "Release", "net10.0", "akkamedia.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("No Release build of AkkaMedia.Host above this program: run dotnet build AkkaMedia.Host -c Release first.");
    }
}
