using System.Diagnostics;
using System.Reflection;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The driver's handle on the executor child process: starts this program in <c>executor</c> mode (its remoting binds
/// a port of its own choosing), waits for its <c>READY</c> line with its address, asks it for <see cref="ProcessStats"/>, for its <see cref="ProcessMemory"/> or for a
/// TCP echo port (<see cref="EchoServer"/>), and kills
/// it (with its whole process tree) on dispose, on process exit and on Ctrl+C.
/// </summary>
internal sealed class ExecutorChild : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly Queue<string> _lastLines = new();
    private string _logPrefix;
    private TaskCompletionSource<ProcessStats>? _stats;
    private TaskCompletionSource<int>? _echo;
    private TaskCompletionSource<ProcessMemory>? _memory;
    private int _killed;

    private const int LinesKept = 30;

    private ExecutorChild(Process process)
    {
        _process = process;
        _logPrefix = "[executor] ";
    }

    /// <summary>The executor node's address, <c>akka.tcp://media@127.0.0.1:port</c>.</summary>
    public string Address { get; private set; } = string.Empty;

    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts the child and waits until it is up in its cluster: its own, or the one of
    /// <paramref name="seed"/> (other executor children's <see cref="Address"/>es, comma-separated: it joins through the first that answers).
    /// </summary>
    /// <exception cref="TimeoutException">It did not report ready within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">It exited before it was ready.</exception>
    public static async Task<ExecutorChild> StartAsync(IReadOnlyList<string> settings, TimeSpan timeout, string? seed = null)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown; cannot start the executor."))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("Running under dotnet without an entry assembly."));
        }

        start.ArgumentList.Add("executor");
        start.ArgumentList.Add("--parent");
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (seed is not null)
        {
            start.ArgumentList.Add("--seed");
            start.ArgumentList.Add(seed);
        }

        foreach (var setting in settings)
        {
            start.ArgumentList.Add("--set");
            start.ArgumentList.Add(setting);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ExecutorChild(process);
        process.OutputDataReceived += (_, e) => child.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLog(e.Data);
        process.Exited += (_, _) =>
        {
            // The exit can be seen before the last lines are read: wait for both streams to end (bounded) first.
            process.WaitForExit(2000);
            child._ready.TrySetException(new InvalidOperationException(
                $"The executor process exited with code {process.ExitCode} before it was ready. Its last lines:{Environment.NewLine}{child.LastLines()}"));
        };
        process.Start();
        child._logPrefix = $"[executor {process.Id}] ";
        AppDomain.CurrentDomain.ProcessExit += (_, _) => child.Kill();
        Console.CancelKeyPress += (_, _) => child.Kill();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            child.Address = await child._ready.Task.WaitAsync(timeout);
            return child;
        }
        catch (TimeoutException)
        {
            child.Kill();
            throw new TimeoutException($"The executor process was not ready within {timeout.TotalSeconds:0} s. Its last lines:{Environment.NewLine}{child.LastLines()}");
        }
        catch
        {
            child.Kill();
            throw;
        }
    }

    /// <summary>The child's cumulative CPU time and allocations, as it reports them.</summary>
    public Task<ProcessStats> GetStatsAsync() => AskAsync<ProcessStats>("STATS", reply => _stats = reply);

    /// <summary>The child's memory after full collections and the session load contexts it holds, as it reports them.</summary>
    public Task<ProcessMemory> GetMemoryAsync() => AskAsync<ProcessMemory>("MEMORY", reply => _memory = reply);

    /// <summary>Has the child start its <see cref="EchoServer"/> (once; later calls get the same port) and returns its loopback port.</summary>
    public Task<int> StartEchoAsync() => AskAsync<int>("ECHO", reply => _echo = reply);

    /// <summary>Writes <paramref name="command"/> to the child's input and waits up to 10 s for the answer its output loop hands to the pending reply.</summary>
    private async Task<T> AskAsync<T>(string command, Action<TaskCompletionSource<T>> pending)
    {
        var reply = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            pending(reply);
            _process.StandardInput.WriteLine(command);
            _process.StandardInput.Flush();
        }

        try
        {
            return await reply.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"The executor process did not answer {command} within 10 s (exited: {_process.HasExited}).", e);
        }
    }

    /// <summary>The child's processor time read by the operating system (<see cref="Process.GetProcessById(int)"/>).</summary>
    public TimeSpan ProcessorTime()
    {
        using var process = Process.GetProcessById(_process.Id);
        return process.TotalProcessorTime;
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
            Console.Error.WriteLine($"Could not kill the executor process {_process.Id}: {e.Message}");
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith(ExecutorProcess.Ready, StringComparison.Ordinal))
        {
            _ready.TrySetResult(line[ExecutorProcess.Ready.Length..].Trim());
        }
        else if (line.StartsWith(ProcessStats.Prefix, StringComparison.Ordinal))
        {
            TaskCompletionSource<ProcessStats>? reply;
            lock (_gate)
            {
                reply = _stats;
                _stats = null;
            }

            reply?.TrySetResult(ProcessStats.Parse(line));
        }
        else if (line.StartsWith(ProcessMemory.Prefix, StringComparison.Ordinal))
        {
            TaskCompletionSource<ProcessMemory>? reply;
            lock (_gate)
            {
                reply = _memory;
                _memory = null;
            }

            reply?.TrySetResult(ProcessMemory.Parse(line));
        }
        else if (line.StartsWith(ExecutorProcess.Echo, StringComparison.Ordinal))
        {
            TaskCompletionSource<int>? reply;
            lock (_gate)
            {
                reply = _echo;
                _echo = null;
            }

            reply?.TrySetResult(int.Parse(line[ExecutorProcess.Echo.Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            OnLog(line);
        }
    }

    /// <summary>Passes a line of the child's log on to this process's standard error and keeps the last few for errors.</summary>
    private void OnLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        Console.Error.WriteLine(_logPrefix + line);
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > LinesKept)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private string LastLines()
    {
        lock (_lastLines)
        {
            return _lastLines.Count == 0 ? "(none)" : string.Join(Environment.NewLine, _lastLines.Select(l => "  " + l));
        }
    }
}
