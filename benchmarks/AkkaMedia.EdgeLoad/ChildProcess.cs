using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// A process the scenario starts (the executor node, <c>serve</c>, the floor): started with its output
/// redirected, ready once it prints a line starting with <c>READY</c> (on either stream), killed with its whole process tree
/// on dispose, on process exit and on Ctrl+C. Its standard input stays open and is closed on dispose
/// (the floor stops by itself when it closes). The last lines it wrote are kept for error messages.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 40;

    private readonly Process _process;
    private readonly string _name;
    private readonly bool _verbose;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _lastLines = new();
    private int _killed;

    private ChildProcess(string name, Process process, bool verbose)
    {
        _name = name;
        _process = process;
        _verbose = verbose;
    }

    public int ProcessId => _process.Id;

    /// <summary>The <c>READY</c> line it printed.</summary>
    public string ReadyLine { get; private set; } = string.Empty;

    /// <summary>Starts <paramref name="fileName"/> and waits for its <c>READY</c> line.</summary>
    /// <exception cref="TimeoutException">No <c>READY</c> within <paramref name="timeout"/> (its last lines are in the message).</exception>
    /// <exception cref="InvalidOperationException">It exited before it was ready.</exception>
    public static async Task<ChildProcess> StartAsync(string name, string fileName, IEnumerable<string> arguments, TimeSpan timeout, bool verbose,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, verbose);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child._ready.TrySetException(new InvalidOperationException($"{name} exited with code {process.ExitCode} before it was ready:{Environment.NewLine}{child.LastLines()}"));
        var variables = string.Concat((environment ?? new Dictionary<string, string>()).Select(e => $"{e.Key}={e.Value} "));
        Console.Error.WriteLine($"[{name}] {variables}{fileName} {string.Join(' ', start.ArgumentList)}");
        process.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => child.Kill();
        Console.CancelKeyPress += (_, _) => child.Kill();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            child.ReadyLine = await child._ready.Task.WaitAsync(timeout);
            return child;
        }
        catch (TimeoutException e)
        {
            child.Kill();
            throw new TimeoutException($"{name} did not print READY within {timeout.TotalSeconds:0} s:{Environment.NewLine}{child.LastLines()}", e);
        }
        catch
        {
            child.Kill();
            throw;
        }
    }

    /// <summary>A free TCP port on loopback (free now; taken by whoever binds it first).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The lines it wrote last, for an error message.</summary>
    public string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join(Environment.NewLine, _lastLines.Select(l => $"  [{_name}] {l}"));
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"Could not kill {_name} (process {_process.Id}): {e.Message}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }

        if (line.TrimStart().StartsWith("READY", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }

        if (_verbose)
        {
            Console.Error.WriteLine($"[{_name}] {line}");
        }
    }
}
