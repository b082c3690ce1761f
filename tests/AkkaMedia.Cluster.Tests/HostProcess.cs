using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using AkkaMedia.Host.Tests.Operations;

namespace AkkaMedia.Cluster.Tests;

/// <summary>
/// One <c>akkamedia</c> process (<c>dotnet akkamedia.dll ARGS</c>, or another command such as an installed
/// <c>akkamedia</c> tool or <c>dotnet pack</c>) with its standard output and error captured line by line.
/// Waits fail with the process's whole output in their message. Disposing kills the process and its
/// children (SIGKILL) if it still runs; every process still running when the test process exits is
/// killed too, so no outcome leaves one behind.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly object _gate = new();
    private readonly StringBuilder _transcript = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<(Func<string, bool> Match, bool OnStandardError, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _pid;

    static HostProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                KillTree(process);
            }
        };
    }

    private HostProcess(ProcessStartInfo start, string commandLine)
    {
        CommandLine = commandLine;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, isError: false);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, isError: true);
        _process.Start();
        _pid = _process.Id;
        Running[_pid] = _process;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The process's id.</summary>
    public int Pid => _pid;

    /// <summary>The command as started, for messages.</summary>
    public string CommandLine { get; }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far, standard error lines marked <c>err|</c>.</summary>
    public string Transcript
    {
        get
        {
            lock (_gate)
            {
                return $"--- {CommandLine} (pid {_pid}) ---{Environment.NewLine}{_transcript}";
            }
        }
    }

    /// <summary>The lines written to standard error so far: the host's log events and its messages to the operator.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Starts <c>akkamedia ARGS</c> in <paramref name="workingDirectory"/> (default: the repository root).</summary>
    public static HostProcess Start(IReadOnlyList<string> args, string? workingDirectory = null)
    {
        if (!File.Exists(TestPaths.HostDll))
        {
            throw new FileNotFoundException($"The akkamedia binary is not built at {TestPaths.HostDll}.", TestPaths.HostDll);
        }

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? TestPaths.RepositoryRoot };
        start.ArgumentList.Add(TestPaths.HostDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new HostProcess(start, "akkamedia " + string.Join(' ', args));
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> ARGS (a path, or a command on the PATH, such as an installed <c>akkamedia</c> tool, a
    /// script that runs it, or <c>dotnet</c>) in <paramref name="workingDirectory"/> (default: the repository root), with
    /// <paramref name="environment"/> set over this process's environment; a null value removes that variable.
    /// </summary>
    public static HostProcess StartCommand(string fileName, IReadOnlyList<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory ?? TestPaths.RepositoryRoot };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        environment ??= new Dictionary<string, string?>();
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var settings = environment.Where(e => e.Value is not null).Select(e => $"{e.Key}={e.Value}");
        return new HostProcess(start, string.Join(' ', [.. settings, Path.GetFileName(fileName), .. args]));
    }

    /// <summary>
    /// Completes with the first line of standard output that <paramref name="match"/> accepts (also one
    /// written before the call). Fails, with the transcript, when the process closes its output first or
    /// after <paramref name="timeout"/>.
    /// </summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what) =>
        WaitForLineAsync(match, onStandardError: false, timeout, what);

    /// <summary>
    /// Completes with the first log line (standard error, where the host writes its log) that
    /// <paramref name="match"/> accepts; fails as <see cref="WaitForLineAsync(Func{string, bool}, TimeSpan, string)"/> does.
    /// </summary>
    public Task<string> WaitForLogLineAsync(Func<string, bool> match, TimeSpan timeout, string what) =>
        WaitForLineAsync(match, onStandardError: true, timeout, what);

    private async Task<string> WaitForLineAsync(Func<string, bool> match, bool onStandardError, TimeSpan timeout, string what)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var line = (onStandardError ? _stderr : _stdout).FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (_stdoutClosed.Task.IsCompleted)
            {
                throw new InvalidOperationException($"The process ended without printing {what}.{Environment.NewLine}{Transcript}");
            }

            _waiters.Add((match, onStandardError, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {what} within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Transcript}");
        }
    }

    /// <summary>Waits for the process to end and its output to be read; fails with the transcript after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
            await _stdoutClosed.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The process did not end within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Transcript}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL to the process and its children: no shutdown hook runs, sockets close as the kernel reaps it.</summary>
    public void Kill() => KillTree(_process);

    /// <summary>SIGKILL to this process only: its children are left to end (or not) by themselves.</summary>
    public void KillAlone()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own in the meantime.
        }
    }

    /// <summary>SIGTERM to the process: it stops as on an orchestrator's stop signal (its shutdown hooks run).</summary>
    public void Terminate() => ProcessSignal.Terminate(_pid);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            KillTree(_process);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        }
        finally
        {
            Running.TryRemove(_pid, out _);
            _process.Dispose();
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended on its own in the meantime.
        }
    }

    private void OnLine(string? line, bool isError)
    {
        List<TaskCompletionSource<string>>? matched = null;
        List<TaskCompletionSource<string>>? orphaned = null;
        lock (_gate)
        {
            if (line is null)
            {
                if (!isError)
                {
                    _stdoutClosed.TrySetResult();
                    orphaned = _waiters.Select(w => w.Found).ToList();
                    _waiters.Clear();
                }
            }
            else
            {
                _transcript.Append(isError ? "err| " : "out| ").AppendLine(line);
                (isError ? _stderr : _stdout).Add(line);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].OnStandardError == isError && _waiters[i].Match(line))
                    {
                        (matched ??= []).Add(_waiters[i].Found);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        foreach (var waiter in matched ?? [])
        {
            waiter.TrySetResult(line!);
        }

        foreach (var waiter in orphaned ?? [])
        {
            waiter.TrySetException(new InvalidOperationException($"The process closed its output first.{Environment.NewLine}{Transcript}"));
        }
    }
}
